package store

import (
	"context"
	"testing"
	"time"
)

func TestBlacklistRefusesExtensionNumbersAndDuplicates(t *testing.T) {
	backends(t, func(t *testing.T, st *Store) {
		ctx := context.Background()
		must(t, st.Extensions.Create(ctx, &Extension{Number: "201"}))
		wantField(t, st.Blacklist.Add(ctx, &BlacklistEntry{Number: "201"}), "number")
		wantField(t, st.Blacklist.Add(ctx, &BlacklistEntry{Number: "+49 30 1"}), "number")
		must(t, st.Blacklist.Add(ctx, &BlacklistEntry{Number: "+4930666", AddedBy: "201"}))
		wantErr(t, st.Blacklist.Add(ctx, &BlacklistEntry{Number: "+4930666"}), ErrDuplicate)
		in, err := st.Blacklist.Contains(ctx, "+4930666")
		must(t, err)
		if !in {
			t.Fatal("blocked number not found")
		}
		must(t, st.Blacklist.Remove(ctx, "+4930666"))
		wantErr(t, st.Blacklist.Remove(ctx, "+4930666"), ErrNotFound)
	})
}

func TestQueuesRingGroupsAndRoomsShareOneNumberingPlan(t *testing.T) {
	backends(t, func(t *testing.T, st *Store) {
		ctx := context.Background()
		must(t, st.Extensions.Create(ctx, &Extension{Number: "201"}))
		must(t, st.Queues.Create(ctx, &Queue{Number: "600", Name: "Support", OverflowTarget: "201"}))
		wantErr(t, st.Queues.Create(ctx, &Queue{Number: "201", OverflowType: OverflowHangup}), ErrDuplicate)
		wantErr(t, st.RingGroups.Create(ctx, &RingGroup{Number: "600"}), ErrDuplicate)
		wantErr(t, st.Extensions.Create(ctx, &Extension{Number: "600"}), ErrDuplicate)
		must(t, st.Conferences.Create(ctx, &ConferenceRoom{Number: "90", PIN: "1234", AdminPIN: "9999"}))
		wantErr(t, st.Conferences.Create(ctx, &ConferenceRoom{Number: "90"}), ErrDuplicate)
		wantField(t, st.Conferences.Create(ctx, &ConferenceRoom{Number: "91", PIN: "12", AdminPIN: "12"}), "admin_pin")
	})
}

func TestPausingAnAgentAppliesToEveryQueue(t *testing.T) {
	backends(t, func(t *testing.T, st *Store) {
		ctx := context.Background()
		must(t, st.Extensions.Create(ctx, &Extension{Number: "201"}))
		must(t, st.Queues.Create(ctx, &Queue{Number: "600", OverflowType: OverflowHangup}))
		must(t, st.Queues.Create(ctx, &Queue{Number: "601", OverflowType: OverflowHangup}))
		must(t, st.Queues.AddMember(ctx, "600", &QueueMember{Extension: "201"}))
		must(t, st.Queues.AddMember(ctx, "601", &QueueMember{Extension: "201", Dynamic: true}))
		wantErr(t, st.Queues.AddMember(ctx, "601", &QueueMember{Extension: "201"}), ErrDuplicate)
		wantErr(t, st.Queues.AddMember(ctx, "601", &QueueMember{Extension: "299"}), ErrReference)
		n, err := st.Queues.SetPaused(ctx, "201", true)
		must(t, err)
		if n != 2 {
			t.Fatalf("paused %d memberships, want 2", n)
		}
		q, err := st.Queues.Get(ctx, "601")
		must(t, err)
		if len(q.Members) != 1 || !q.Members[0].Paused || !q.Members[0].Dynamic {
			t.Fatalf("queue 601 members = %+v", q.Members)
		}
		must(t, st.Queues.RemoveMember(ctx, "601", "201"))
		wantErr(t, st.Queues.RemoveMember(ctx, "601", "201"), ErrNotFound)
	})
}

func TestRingGroupWithUnknownMemberIsNotCreated(t *testing.T) {
	backends(t, func(t *testing.T, st *Store) {
		ctx := context.Background()
		must(t, st.Extensions.Create(ctx, &Extension{Number: "201"}))
		wantErr(t, st.RingGroups.Create(ctx, &RingGroup{Number: "650", Members: []RingGroupMember{{Extension: "201"}, {Extension: "299"}}}), ErrReference)
		_, err := st.RingGroups.Get(ctx, "650")
		wantErr(t, err, ErrNotFound)
		must(t, st.Extensions.Create(ctx, &Extension{Number: "202"}))
		must(t, st.RingGroups.Create(ctx, &RingGroup{Number: "650", Strategy: RingOrdered, Members: []RingGroupMember{{Extension: "202"}, {Extension: "201"}}}))
		g, err := st.RingGroups.Get(ctx, "650")
		must(t, err)
		if len(g.Members) != 2 || g.Members[0].Extension != "202" || g.Members[1].Position != 2 {
			t.Fatalf("ring group = %+v", g)
		}
	})
}

func TestInboundRoutesAreFoundByDIDAndUnique(t *testing.T) {
	backends(t, func(t *testing.T, st *Store) {
		ctx := context.Background()
		tr := &Trunk{Name: "provider-1", Host: "sip.example.net", Username: "u", Password: "p", Enabled: true}
		must(t, st.Trunks.Create(ctx, tr))
		wantField(t, st.Trunks.Create(ctx, &Trunk{Name: "bad name", Host: "h"}), "name")
		must(t, st.Trunks.CreateRoute(ctx, &InboundRoute{DID: "+4930900100", TrunkID: &tr.ID, DestinationType: DestQueue, DestinationValue: "600"}))
		wantErr(t, st.Trunks.CreateRoute(ctx, &InboundRoute{DID: "+4930900100", DestinationType: DestExtension, DestinationValue: "201"}), ErrDuplicate)
		wantField(t, st.Trunks.CreateRoute(ctx, &InboundRoute{DID: "+4930900101", DestinationType: "moon"}), "destination_type")
		r, err := st.Trunks.Route(ctx, "+4930900100")
		must(t, err)
		if r.DestinationType != DestQueue || r.DestinationValue != "600" {
			t.Fatalf("route = %+v", r)
		}
		must(t, st.Trunks.Delete(ctx, "provider-1"))
		_, err = st.Trunks.Route(ctx, "+4930900100")
		wantErr(t, err, ErrNotFound)
	})
}

func TestWakeupRetriesUntilItGivesUp(t *testing.T) {
	backends(t, func(t *testing.T, st *Store) {
		ctx := context.Background()
		must(t, st.Extensions.Create(ctx, &Extension{Number: "201"}))
		at := time.Date(2026, 3, 1, 7, 30, 0, 0, time.UTC)
		w := &WakeupCall{Extension: "201", At: at, MaxRetries: 1, RetryEverySec: 300}
		must(t, st.Wakeups.Create(ctx, w))
		due, err := st.Wakeups.Due(ctx, at.Add(-time.Second))
		must(t, err)
		if len(due) != 0 {
			t.Fatalf("due early: %+v", due)
		}
		due, err = st.Wakeups.Due(ctx, at)
		must(t, err)
		if len(due) != 1 {
			t.Fatalf("due at time: %d", len(due))
		}
		got, err := st.Wakeups.RecordAttempt(ctx, w.ID, at, false)
		must(t, err)
		if got.State != WakeupScheduled || !got.At.Equal(at.Add(5*time.Minute)) {
			t.Fatalf("after first miss: %+v", got)
		}
		got, err = st.Wakeups.RecordAttempt(ctx, w.ID, at.Add(5*time.Minute), false)
		must(t, err)
		if got.State != WakeupFailed || got.Attempts != 2 {
			t.Fatalf("after second miss: %+v", got)
		}
		_, err = st.Wakeups.RecordAttempt(ctx, w.ID, at.Add(10*time.Minute), true)
		wantErr(t, err, ErrInvalid)
		must(t, st.Wakeups.Create(ctx, &WakeupCall{Extension: "201", At: at.Add(24 * time.Hour)}))
		must(t, st.Wakeups.Create(ctx, &WakeupCall{Extension: "201", At: at.Add(48 * time.Hour)}))
		n, err := st.Wakeups.CancelAll(ctx, "201")
		must(t, err)
		if n != 2 {
			t.Fatalf("cancelled %d, want 2", n)
		}
	})
}
