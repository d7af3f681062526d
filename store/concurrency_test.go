package store

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

func TestConcurrentWritersAllSucceed(t *testing.T) {
	backends(t, func(t *testing.T, st *Store) {
		ctx := context.Background()
		const writers, perWriter = 8, 15
		var wg sync.WaitGroup
		errs := make(chan error, writers*perWriter)
		for w := 0; w < writers; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i := 0; i < perWriter; i++ {
					at := t0.Add(time.Duration(w*perWriter+i) * time.Second)
					c := internalCall(fmt.Sprintf("w%d-%d", w, i), fmt.Sprintf("%d", 200+w), "299", at)
					if err := st.Calls.Open(ctx, c); err != nil {
						errs <- err
						continue
					}
					if err := st.Calls.AddTrace(ctx, c.ID, &TraceStep{At: at, Step: "ring"}); err != nil {
						errs <- err
					}
					if err := st.Calls.Close(ctx, c.ID, at.Add(time.Second), DispNoAnswer); err != nil {
						errs <- err
					}
				}
			}(w)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("concurrent write failed: %v", err)
		}
		page, err := st.Calls.Log(ctx, CallLogQuery{Extension: "299", PageSize: MaxCallLogPageSize})
		must(t, err)
		if len(page.Calls) != writers*perWriter {
			t.Fatalf("299 sees %d calls, want %d", len(page.Calls), writers*perWriter)
		}
	})
}
