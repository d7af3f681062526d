package feature_test

import (
	"context"
	"errors"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/switchboard-pbx/switchboard/ari/feature"
	"github.com/switchboard-pbx/switchboard/store"
)

func TestProfilesAskedTogetherShareStatementsAndEachGetsItsOwn(t *testing.T) {
	ctx := context.Background()
	st := openStore(t, filepath.Join(t.TempDir(), "pbx.db"))
	for i := 0; i < 100; i++ {
		mustCreate(t, st, &store.Extension{Number: strconv.Itoa(300 + i), Name: "Ext " + strconv.Itoa(300+i)})
	}
	d := feature.StoreDirectory{Store: st}
	before := feature.ProfileStatements(d)
	var wg sync.WaitGroup
	for i := 0; i < 100; i++ {
		wg.Go(func() {
			me, other := strconv.Itoa(300+i), strconv.Itoa(300+(i+1)%100)
			ps, err := d.Profiles(ctx, me, other, "999")
			if err != nil {
				t.Error(err)
				return
			}
			if len(ps) != 2 || ps[me].Extension.Name != "Ext "+me || ps[other].Extension.Number != other {
				t.Errorf("reader %d got %d profiles: %+v", i, len(ps), ps)
			}
			ps[me].Extension.Name = "changed by reader" // must not reach other readers
		})
	}
	wg.Wait()
	if n := feature.ProfileStatements(d) - before; n >= 100 || n < 1 {
		t.Errorf("100 concurrent reads ran %d statements, want fewer than 100", n)
	} else {
		t.Logf("100 concurrent reads ran %d statements", n)
	}
	if p, err := feature.ReadProfile(ctx, d, "300"); err != nil || p.Extension.Name != "Ext 300" {
		t.Errorf("after readers changed their copies: %+v, %v", p, err)
	}
}

// A read never joins a statement that started before it was asked: with
// reads running all the time, every read asked after another process's
// commit sees the change.
func TestProfileReadsUnderLoadSeeEveryChangeCommittedBeforeThem(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "pbx.db")
	mine, other := openStore(t, path), openStore(t, path)
	for i := 0; i < 20; i++ {
		mustCreate(t, mine, &store.Extension{Number: strconv.Itoa(400 + i), Name: "Ext"})
	}
	d := feature.StoreDirectory{Store: mine}
	stop := make(chan struct{})
	var busy sync.WaitGroup
	for g := 0; g < 4; g++ { // background reads keep statements running
		busy.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := d.Profiles(ctx, "400", "401", "402"); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	defer func() { close(stop); busy.Wait() }()
	for round := 0; round < 20; round++ {
		dnd := round%2 == 0
		if _, err := other.Extensions.Modify(ctx, "400", func(e *store.Extension) error { e.DND = dnd; return nil }); err != nil {
			t.Fatal(err)
		}
		var stale atomic.Int64
		var wg sync.WaitGroup
		for i := 0; i < 20; i++ {
			wg.Go(func() {
				ps, err := d.Profiles(ctx, "400", strconv.Itoa(400+i))
				if err != nil {
					t.Error(err)
					return
				}
				if ps["400"].Extension.DND != dnd {
					stale.Add(1)
				}
			})
		}
		wg.Wait()
		if n := stale.Load(); n > 0 {
			t.Fatalf("round %d: %d of 20 reads missed DND=%v committed before them", round, n, dnd)
		}
	}
}

func TestProfileReadWhoseContextEndsReturnsAndTheOthersAreServed(t *testing.T) {
	st := openStore(t, filepath.Join(t.TempDir(), "pbx.db"))
	mustCreate(t, st, &store.Extension{Number: "501", Name: "Ext"})
	d := feature.StoreDirectory{Store: st}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Go(func() {
			ctx := context.Background()
			if i%2 == 0 {
				ctx = cancelled
			}
			ps, err := d.Profiles(ctx, "501")
			switch {
			case i%2 == 0 && err != nil && !errors.Is(err, context.Canceled):
				t.Errorf("cancelled read: %v", err)
			case i%2 == 1 && (err != nil || ps["501"] == nil):
				t.Errorf("read %d: %v, %v", i, ps, err)
			}
		})
	}
	wg.Wait()
}
