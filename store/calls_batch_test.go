package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestCallBatchCommitsTogetherAndAFailedWriteRollsBackAlone(t *testing.T) {
	backends(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		start := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
		good := &CallRecord{UID: "batch-1", Type: CallInternal, FromNumber: "101", ToNumber: "102", StartedAt: start}
		err := s.Calls.Batch(ctx, func(tx *CallRepo) error {
			if err := tx.Open(ctx, good); err != nil {
				return err
			}
			bad := &CallRecord{UID: "batch-2", Type: "sideways", ToNumber: "102", StartedAt: start}
			if err := tx.Open(ctx, bad); !errors.Is(err, ErrInvalid) {
				t.Errorf("invalid record: err = %v, want ErrInvalid", err)
			}
			dup := &CallRecord{UID: "batch-1", Type: CallInternal, ToNumber: "102", StartedAt: start}
			if err := tx.Open(ctx, dup); !errors.Is(err, ErrDuplicate) {
				t.Errorf("duplicate uid: err = %v, want ErrDuplicate", err)
			}
			return tx.AddTrace(ctx, good.ID, &TraceStep{At: start, Step: "ring", Detail: "102"})
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Calls.GetByUID(ctx, "batch-1")
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Trace) != 1 {
			t.Fatalf("trace = %+v, want the step written after the failed writes", got.Trace)
		}
	})
}
