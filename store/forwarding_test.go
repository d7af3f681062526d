package store

import (
	"context"
	"testing"
)

func TestForwardTargetsAreIndependentAndKeepTheirNumberWhenOff(t *testing.T) {
	backends(t, func(t *testing.T, st *Store) {
		ctx := context.Background()
		must(t, st.Extensions.Create(ctx, &Extension{Number: "201"}))
		must(t, st.Forwards.Set(ctx, "201", ForwardBusy, ForwardTarget{Number: "202", Enabled: true}))
		must(t, st.Forwards.Set(ctx, "201", ForwardNoAnswer, ForwardTarget{Number: "90301234", Enabled: true}))
		must(t, st.Forwards.Set(ctx, "201", ForwardBusy, ForwardTarget{Enabled: false})) // *072#
		f, err := st.Forwards.Get(ctx, "201")
		must(t, err)
		if f.All.Enabled || f.Busy.Enabled || f.Busy.Number != "202" || !f.NoAnswer.Enabled || f.NoAnswer.Number != "90301234" {
			t.Fatalf("forwards = %+v", f)
		}
		wantField(t, st.Forwards.Set(ctx, "201", ForwardAll, ForwardTarget{Enabled: true}), "number")
		wantField(t, st.Forwards.Set(ctx, "201", ForwardAll, ForwardTarget{Number: "*72", Enabled: true}), "number")
		wantField(t, st.Forwards.Set(ctx, "201", "sometimes", ForwardTarget{Number: "202"}), "kind")
		wantErr(t, st.Forwards.Set(ctx, "299", ForwardAll, ForwardTarget{Number: "202", Enabled: true}), ErrReference)
	})
}

func TestFollowMeDefaultsAndKeepsStepsInOrder(t *testing.T) {
	backends(t, func(t *testing.T, st *Store) {
		ctx := context.Background()
		must(t, st.Extensions.Create(ctx, &Extension{Number: "201"}))
		f, err := st.FollowMe.Get(ctx, "201")
		must(t, err)
		if f.Enabled || f.OwnRingSec != 30 || len(f.Steps) != 0 {
			t.Fatalf("default follow-me = %+v", f)
		}
		must(t, st.FollowMe.Set(ctx, &FollowMe{Extension: "201", Enabled: true, Steps: []FollowMeStep{{Number: "90171555", RingSec: 20}, {Number: "202", RingSec: 15}}}))
		must(t, st.FollowMe.Set(ctx, &FollowMe{Extension: "201", Enabled: true, OwnRingSec: 10, Steps: []FollowMeStep{{Number: "203", RingSec: 25}, {Number: "90171555", RingSec: 20}}}))
		f, err = st.FollowMe.Get(ctx, "201")
		must(t, err)
		if !f.Enabled || f.OwnRingSec != 10 || len(f.Steps) != 2 || f.Steps[0].Number != "203" || f.Steps[1].Position != 2 {
			t.Fatalf("follow-me = %+v", f)
		}
		wantField(t, st.FollowMe.Set(ctx, &FollowMe{Extension: "201", Enabled: true}), "steps")
		wantField(t, st.FollowMe.Set(ctx, &FollowMe{Extension: "201", Steps: []FollowMeStep{{Number: "202", RingSec: 1}}}), "steps.ring_sec")
	})
}

func TestRenumberingAndDeletingAnExtensionCarriesItsSettings(t *testing.T) {
	backends(t, func(t *testing.T, st *Store) {
		ctx := context.Background()
		must(t, st.Extensions.Create(ctx, &Extension{Number: "201"}))
		must(t, st.Forwards.Set(ctx, "201", ForwardAll, ForwardTarget{Number: "202", Enabled: true}))
		e, err := st.Extensions.Get(ctx, "201")
		must(t, err)
		e.Number = "251"
		must(t, st.Extensions.Update(ctx, e))
		f, err := st.Forwards.Get(ctx, "251")
		must(t, err)
		if !f.All.Enabled || f.All.Number != "202" {
			t.Fatalf("forward did not follow the new number: %+v", f)
		}
		must(t, st.Extensions.Delete(ctx, "251"))
		var n int64
		must(t, st.DB().Model(&CallForward{}).Count(&n).Error)
		if n != 0 {
			t.Fatalf("%d forwards survived their extension", n)
		}
	})
}
