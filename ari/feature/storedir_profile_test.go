package feature_test

import (
	"context"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"testing"

	"gorm.io/gorm"

	"github.com/switchboard-pbx/switchboard/ari/feature"
	"github.com/switchboard-pbx/switchboard/store"
)

// openStore opens (and migrates) a SQLite store at path.
func openStore(t testing.TB, path string) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, store.Options{Driver: "sqlite", DSN: path})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return st
}

func mustCreate(t testing.TB, st *store.Store, e *store.Extension) {
	t.Helper()
	if err := st.Extensions.Create(context.Background(), e); err != nil {
		t.Fatal(err)
	}
}

// plainDir hides StoreDirectory's ProfileReader, so that ReadProfiles takes
// the one-setting-at-a-time path: the reference the one-statement read must
// equal.
type plainDir struct{ feature.Directory }

func TestProfilesReadInOneGoEqualTheSettingsReadOneByOne(t *testing.T) {
	ctx := context.Background()
	st := openStore(t, filepath.Join(t.TempDir(), "pbx.db"))
	mustCreate(t, st, &store.Extension{Number: "101", Name: "Ann", DND: true, DNDToVoicemail: true, VoicemailEnabled: true})
	mustCreate(t, st, &store.Extension{Number: "102", Name: "Bob", OutboundClass: "international", OutboundCallerID: "+4930123456"})
	mustCreate(t, st, &store.Extension{Number: "103", Name: "Cid"})
	mustCreate(t, st, &store.Extension{Number: "104", Name: "Dee"})
	// 101: every forward set, one of them off; follow-me on with two steps.
	for kind, tgt := range map[string]store.ForwardTarget{
		store.ForwardAll: {Number: "102", Enabled: true}, store.ForwardBusy: {Number: "0301234", Enabled: false},
		store.ForwardNoAnswer: {Number: "103", Enabled: true}} {
		if err := st.Forwards.Set(ctx, "101", kind, tgt); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.FollowMe.Set(ctx, &store.FollowMe{Extension: "101", Enabled: true, OwnRingSec: 12,
		Steps: []store.FollowMeStep{{Number: "103", RingSec: 15}, {Number: "0301234", RingSec: 20}}}); err != nil {
		t.Fatal(err)
	}
	// 102: only forward on busy; follow-me off but with a step kept.
	if err := st.Forwards.Set(ctx, "102", store.ForwardBusy, store.ForwardTarget{Number: "104", Enabled: true}); err != nil {
		t.Fatal(err)
	}
	if err := st.FollowMe.Set(ctx, &store.FollowMe{Extension: "102", OwnRingSec: 40,
		Steps: []store.FollowMeStep{{Number: "104", RingSec: 10}}}); err != nil {
		t.Fatal(err)
	}
	// 103: a follow-me row with no steps; 104: nothing set at all.
	if err := st.FollowMe.Set(ctx, &store.FollowMe{Extension: "103", OwnRingSec: 25}); err != nil {
		t.Fatal(err)
	}
	d := feature.StoreDirectory{Store: st}
	asked := []string{"101", "102", "103", "104", "999", "101"}
	got, err := feature.ReadProfiles(ctx, d, asked...)
	if err != nil {
		t.Fatal(err)
	}
	want, err := feature.ReadProfiles(ctx, plainDir{d}, asked...)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 || len(want) != 4 {
		t.Fatalf("profiles of %d and %d extensions, want 4 (999 is none)", len(got), len(want))
	}
	for n, w := range want {
		g := got[n]
		if g == nil {
			t.Fatalf("%s missing", n)
		}
		if !reflect.DeepEqual(g.Forwards, w.Forwards) || !reflect.DeepEqual(g.FollowMe, w.FollowMe) {
			t.Errorf("%s: one go %+v %+v, one by one %+v %+v", n, g.Forwards, g.FollowMe, w.Forwards, w.FollowMe)
		}
		ge, we := *g.Extension, *w.Extension
		if !ge.CreatedAt.Equal(we.CreatedAt) || !ge.UpdatedAt.Equal(we.UpdatedAt) {
			t.Errorf("%s: times %v/%v, want %v/%v", n, ge.CreatedAt, ge.UpdatedAt, we.CreatedAt, we.UpdatedAt)
		}
		ge.CreatedAt, ge.UpdatedAt = we.CreatedAt, we.UpdatedAt
		if !reflect.DeepEqual(ge, we) {
			t.Errorf("%s: extension %+v, want %+v", n, ge, we)
		}
	}
	if fm := got["101"].FollowMe; !fm.On || len(fm.Steps) != 2 || fm.Steps[1].Number != "0301234" {
		t.Errorf("101's follow-me = %+v", fm)
	}
	if _, err := feature.ReadProfile(ctx, d, "999"); err == nil {
		t.Error("ReadProfile of a number that is no extension: no error")
	}
}

// Another process (switchboard admin, the portal) writes through its own
// connection to the same database: the next read must see its change.
func TestProfilesSeeChangesMadeByAnotherProcessOnTheNextRead(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "pbx.db")
	mine, other := openStore(t, path), openStore(t, path)
	mustCreate(t, mine, &store.Extension{Number: "201", Name: "Eve"})
	d := feature.StoreDirectory{Store: mine}
	read := func() *feature.Profile {
		t.Helper()
		p, err := feature.ReadProfile(ctx, d, "201")
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	if p := read(); p.Extension.DND || p.Forwards.All.On || p.FollowMe.On {
		t.Fatalf("fresh extension: %+v", p)
	}
	if _, err := other.Extensions.Modify(ctx, "201", func(e *store.Extension) error { e.DND = true; return nil }); err != nil {
		t.Fatal(err)
	}
	if !read().Extension.DND {
		t.Error("DND set by another process not seen")
	}
	if err := other.Forwards.Set(ctx, "201", store.ForwardAll, store.ForwardTarget{Number: "202", Enabled: true}); err != nil {
		t.Fatal(err)
	}
	if f := read().Forwards.All; !f.On || f.Number != "202" {
		t.Errorf("forward set by another process not seen: %+v", f)
	}
	if err := other.FollowMe.Set(ctx, &store.FollowMe{Extension: "201", Enabled: true, OwnRingSec: 9,
		Steps: []store.FollowMeStep{{Number: "203", RingSec: 7}}}); err != nil {
		t.Fatal(err)
	}
	if fm := read().FollowMe; !fm.On || len(fm.Steps) != 1 || fm.Steps[0].Number != "203" {
		t.Errorf("follow-me set by another process not seen: %+v", fm)
	}
	if err := other.Extensions.Delete(ctx, "201"); err != nil {
		t.Fatal(err)
	}
	if _, err := feature.ReadProfile(ctx, d, "201"); err == nil {
		t.Error("extension deleted by another process still read")
	}
}

// BenchmarkRoutingReads compares what routing an extension-to-extension
// call reads: the caller, then the callee's extension, forwards and
// follow-me one by one, against both profiles in one statement.
func BenchmarkRoutingReads(b *testing.B) {
	ctx := context.Background()
	st := openStore(b, filepath.Join(b.TempDir(), "pbx.db"))
	for i := 0; i < 200; i++ {
		mustCreate(b, st, &store.Extension{Number: strconv.Itoa(1000 + i), Name: "Ext"})
	}
	d := feature.StoreDirectory{Store: st}
	b.Run("one-by-one", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			caller, callee := strconv.Itoa(1000+i%100), strconv.Itoa(1100+i%100)
			if _, err := d.Extension(ctx, caller); err != nil {
				b.Fatal(err)
			}
			if _, err := feature.ReadProfiles(ctx, plainDir{d}, callee); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("profiles", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			caller, callee := strconv.Itoa(1000+i%100), strconv.Itoa(1100+i%100)
			if ps, err := d.Profiles(ctx, caller, callee); err != nil || len(ps) != 2 {
				b.Fatal(len(ps), err)
			}
		}
	})
}

// The one-statement read lists the extension's columns itself: every column
// of the store's schema must be among them, or a new setting would read as
// its zero value.
func TestProfilesReadEveryColumnOfTheExtension(t *testing.T) {
	st := openStore(t, filepath.Join(t.TempDir(), "pbx.db"))
	stmt := &gorm.Statement{DB: st.DB()}
	if err := stmt.Parse(&store.Extension{}); err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, f := range stmt.Schema.Fields {
		if f.DBName != "" {
			want = append(want, f.DBName)
		}
	}
	got := feature.ExtensionColumns()
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("profile reads columns %v, the store has %v", got, want)
	}
}
