package store

import (
	"context"
	"testing"
)

func strp(s string) *string { return &s }

func TestPersonalContactsAreVisibleOnlyToTheirOwner(t *testing.T) {
	backends(t, func(t *testing.T, st *Store) {
		ctx := context.Background()
		must(t, st.Extensions.Create(ctx, &Extension{Number: "201"}))
		must(t, st.Extensions.Create(ctx, &Extension{Number: "202"}))
		must(t, st.Contacts.Create(ctx, &Contact{Name: "ACME Support", Company: "ACME", Numbers: []ContactNumber{{Number: "+4930111"}, {Number: "+4930112", Label: "fax"}}}))
		must(t, st.Contacts.Create(ctx, &Contact{Name: "Mum", OwnerExtension: strp("201"), Numbers: []ContactNumber{{Number: "+4940999"}}}))

		mine, err := st.Contacts.List(ctx, ContactFilter{Viewer: "201"})
		must(t, err)
		theirs, err := st.Contacts.List(ctx, ContactFilter{Viewer: "202"})
		must(t, err)
		all, err := st.Contacts.List(ctx, ContactFilter{})
		must(t, err)
		if len(mine) != 2 || len(theirs) != 1 || len(all) != 2 {
			t.Fatalf("201 sees %d, 202 sees %d, admin sees %d", len(mine), len(theirs), len(all))
		}
		if len(theirs[0].Numbers) != 2 {
			t.Fatalf("numbers not loaded: %+v", theirs[0])
		}
		byNumber, err := st.Contacts.List(ctx, ContactFilter{Viewer: "202", Search: "30112"})
		must(t, err)
		if len(byNumber) != 1 || byNumber[0].Name != "ACME Support" {
			t.Fatalf("search by number: %+v", byNumber)
		}
	})
}

func TestCallerNamePrefersThePersonalContact(t *testing.T) {
	backends(t, func(t *testing.T, st *Store) {
		ctx := context.Background()
		must(t, st.Extensions.Create(ctx, &Extension{Number: "201"}))
		must(t, st.Contacts.Create(ctx, &Contact{Name: "Company Entry", Numbers: []ContactNumber{{Number: "+4930555"}}}))
		must(t, st.Contacts.Create(ctx, &Contact{Name: "My Name For Them", OwnerExtension: strp("201"), Numbers: []ContactNumber{{Number: "+4930555"}}}))
		name, err := st.Contacts.NameForNumber(ctx, "+4930555", "201")
		must(t, err)
		if name != "My Name For Them" {
			t.Fatalf("201 sees %q", name)
		}
		name, err = st.Contacts.NameForNumber(ctx, "+4930555", "202")
		must(t, err)
		if name != "Company Entry" {
			t.Fatalf("202 sees %q", name)
		}
		_, err = st.Contacts.NameForNumber(ctx, "+4930556", "201")
		wantErr(t, err, ErrNotFound)
	})
}

func TestContactForUnknownOwnerOrBadNumberWritesNothing(t *testing.T) {
	backends(t, func(t *testing.T, st *Store) {
		ctx := context.Background()
		wantErr(t, st.Contacts.Create(ctx, &Contact{Name: "X", OwnerExtension: strp("777"), Numbers: []ContactNumber{{Number: "+491"}}}), ErrReference)
		wantField(t, st.Contacts.Create(ctx, &Contact{Name: "Y", Numbers: []ContactNumber{{Number: "030/1234"}}}), "numbers")
		all, err := st.Contacts.List(ctx, ContactFilter{})
		must(t, err)
		if len(all) != 0 {
			t.Fatalf("refused creates left %d contacts", len(all))
		}
		var n int64
		must(t, st.DB().Model(&ContactNumber{}).Count(&n).Error)
		if n != 0 {
			t.Fatalf("refused creates left %d numbers", n)
		}
	})
}

func TestUpdatingAContactReplacesItsNumbers(t *testing.T) {
	backends(t, func(t *testing.T, st *Store) {
		ctx := context.Background()
		c := &Contact{Name: "Bob", Numbers: []ContactNumber{{Number: "+1"}, {Number: "+2"}}}
		must(t, st.Contacts.Create(ctx, c))
		c.Name, c.Numbers = "Robert", []ContactNumber{{Number: "+3"}}
		must(t, st.Contacts.Update(ctx, c))
		got, err := st.Contacts.Get(ctx, c.ID)
		must(t, err)
		if got.Name != "Robert" || len(got.Numbers) != 1 || got.Numbers[0].Number != "+3" {
			t.Fatalf("after update: %+v", got)
		}
		must(t, st.Contacts.Delete(ctx, c.ID))
		_, err = st.Contacts.Get(ctx, c.ID)
		wantErr(t, err, ErrNotFound)
	})
}
