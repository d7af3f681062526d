package store

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// seedLog gives extension 201 a mix of calls, one per hour from t0.
func seedLog(t *testing.T, st *Store) []uint64 {
	t.Helper()
	var ids []uint64
	ctx := context.Background()
	for i := 0; i < 120; i++ {
		at := t0.Add(time.Duration(i) * time.Hour)
		var c *CallRecord
		switch i % 3 {
		case 0:
			c = internalCall(fmt.Sprintf("c%d", i), "201", "202", at)
		case 1:
			ext := fmt.Sprintf("+49301234%03d", i)
			c = &CallRecord{UID: fmt.Sprintf("c%d", i), Type: CallInbound, FromNumber: ext, ToNumber: "201", StartedAt: at,
				Legs: []CallLeg{{Kind: LegOriginal, FromNumber: ext, ToNumber: "201", ToExtension: "201", StartedAt: at}}}
		default:
			ext := fmt.Sprintf("+4940555%03d", i)
			c = &CallRecord{UID: fmt.Sprintf("c%d", i), Type: CallOutbound, FromNumber: "201", ToNumber: ext, StartedAt: at,
				Legs: []CallLeg{{Kind: LegOriginal, FromNumber: "201", ToNumber: ext, FromExtension: "201", StartedAt: at}}}
		}
		must(t, st.Calls.Open(ctx, c))
		if i%2 == 0 {
			must(t, st.Calls.AnswerLeg(ctx, c.Legs[0].ID, at))
		}
		must(t, st.Calls.Close(ctx, c.ID, at.Add(time.Duration(i)*time.Second), DispAnswered))
		ids = append(ids, c.ID)
	}
	return ids
}

func TestCallLogPagesNewestFirstWithFilters(t *testing.T) {
	backends(t, func(t *testing.T, st *Store) {
		ctx := context.Background()
		id := seedLog(t, st)

		p1, err := st.Calls.Log(ctx, CallLogQuery{Extension: "201"})
		must(t, err)
		if len(p1.Calls) != 50 || !p1.HasMore || p1.Calls[0].CallID != id[119] || p1.Calls[49].CallID != id[70] {
			t.Fatalf("page 1: %d calls, more=%v, first=%d", len(p1.Calls), p1.HasMore, p1.Calls[0].CallID)
		}
		p3, err := st.Calls.Log(ctx, CallLogQuery{Extension: "201", Page: 3})
		must(t, err)
		if len(p3.Calls) != 20 || p3.HasMore || p3.Calls[19].CallID != id[0] {
			t.Fatalf("page 3: %d calls, more=%v", len(p3.Calls), p3.HasMore)
		}

		in, err := st.Calls.Log(ctx, CallLogQuery{Extension: "201", Type: CallInbound, PageSize: 15, WithTotal: true})
		must(t, err)
		if len(in.Calls) != 15 || in.Total != 40 {
			t.Fatalf("inbound page: %d calls of total %d, want 15 of 40", len(in.Calls), in.Total)
		}
		in, err = st.Calls.Log(ctx, CallLogQuery{Extension: "201", Type: CallInbound})
		must(t, err)
		if len(in.Calls) != 40 || in.Total != 0 {
			t.Fatalf("inbound: %d, want 40", len(in.Calls))
		}
		for _, c := range in.Calls {
			if c.Type != CallInbound {
				t.Fatalf("inbound filter let %s through", c.Type)
			}
		}

		num, err := st.Calls.Log(ctx, CallLogQuery{Extension: "201", Number: "301234010"})
		must(t, err)
		if len(num.Calls) != 1 || num.Calls[0].CallID != id[10] {
			t.Fatalf("number filter: %+v", num.Calls)
		}
		sub, err := st.Calls.Log(ctx, CallLogQuery{Extension: "201", Number: "+4940555"})
		must(t, err)
		if len(sub.Calls) != 40 {
			t.Fatalf("substring filter: %d, want 40", len(sub.Calls))
		}

		rng, err := st.Calls.Log(ctx, CallLogQuery{Extension: "201", From: t0.Add(10 * time.Hour), To: t0.Add(20 * time.Hour)})
		must(t, err)
		if len(rng.Calls) != 10 || rng.Calls[0].CallID != id[19] || rng.Calls[9].CallID != id[10] {
			t.Fatalf("date range: %d calls", len(rng.Calls))
		}
		// Ranges given in another zone mean the same instants.
		berlin := time.FixedZone("CET", 3600)
		rz, err := st.Calls.Log(ctx, CallLogQuery{Extension: "201", From: t0.Add(10 * time.Hour).In(berlin), To: t0.Add(20 * time.Hour).In(berlin)})
		must(t, err)
		if len(rz.Calls) != 10 {
			t.Fatalf("zoned range: %d calls", len(rz.Calls))
		}

		other, err := st.Calls.Log(ctx, CallLogQuery{Extension: "202"})
		must(t, err)
		if len(other.Calls) != 40 {
			t.Fatalf("202 sees %d calls, want its 40 internal ones", len(other.Calls))
		}
	})
}

func TestCallLogSortsByAllowListedFieldsOnly(t *testing.T) {
	backends(t, func(t *testing.T, st *Store) {
		ctx := context.Background()
		id := seedLog(t, st)
		longest, err := st.Calls.Log(ctx, CallLogQuery{Extension: "201", Sort: "duration", PageSize: 3})
		must(t, err)
		if longest.Calls[0].DurationSec < longest.Calls[1].DurationSec || longest.Calls[0].CallID != id[118] {
			t.Fatalf("duration sort: %+v", longest.Calls[0])
		}
		oldest, err := st.Calls.Log(ctx, CallLogQuery{Extension: "201", Ascending: true, PageSize: 1})
		must(t, err)
		if oldest.Calls[0].CallID != id[0] {
			t.Fatalf("ascending first = %d", oldest.Calls[0].CallID)
		}
		_, err = st.Calls.Log(ctx, CallLogQuery{Extension: "201", Sort: "id; DROP TABLE call_records"})
		wantField(t, err, "sort")
		_, err = st.Calls.Log(ctx, CallLogQuery{Extension: "201", Number: "30%"})
		wantField(t, err, "number")
		_, err = st.Calls.Log(ctx, CallLogQuery{Extension: "201", PageSize: 5000})
		wantField(t, err, "page_size")
		_, err = st.Calls.Log(ctx, CallLogQuery{Extension: "2x1"})
		wantField(t, err, "extension")
	})
}

func TestCallsThePBXMakesAreLoggedAsSystemCalls(t *testing.T) {
	backends(t, func(t *testing.T, st *Store) {
		ctx := context.Background()
		seedLog(t, st)
		at := t0.Add(200 * time.Hour)
		c := &CallRecord{UID: "wakeup-1", Type: CallSystem, FromName: "Wakeup", ToNumber: "201", StartedAt: at,
			Legs: []CallLeg{{Kind: LegOriginal, ToNumber: "201", ToExtension: "201", StartedAt: at}}}
		must(t, st.Calls.Open(ctx, c))
		must(t, st.Calls.Close(ctx, c.ID, at.Add(time.Minute), DispNoAnswer))
		sys, err := st.Calls.Log(ctx, CallLogQuery{Extension: "201", Type: CallSystem})
		must(t, err)
		if len(sys.Calls) != 1 || sys.Calls[0].CallID != c.ID || sys.Calls[0].Type != CallSystem || sys.Calls[0].FromName != "Wakeup" {
			t.Fatalf("system calls in 201's log: %+v, want the wakeup call alone", sys.Calls)
		}
		if _, err := st.Calls.Log(ctx, CallLogQuery{Extension: "201", Type: "robot"}); err == nil {
			t.Fatal("an unknown type filter was accepted")
		}
	})
}
