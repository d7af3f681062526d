package core

import (
	"testing"

	"github.com/switchboard-pbx/switchboard/ari"
)

func TestConnectedLineIsQuotedAndRefusesWhatIsNoNumber(t *testing.T) {
	for _, tc := range []struct {
		id   ari.CallerID
		want string
		ok   bool
	}{
		{ari.CallerID{Name: "Ext 102", Number: "102"}, `"Ext 102" <102>`, true},
		{ari.CallerID{Number: "+4930123"}, "<+4930123>", true},
		{ari.CallerID{Name: `Eve "the" <boss>`, Number: "103"}, `"Eve the boss" <103>`, true},
		{ari.CallerID{Name: "tab\there\\", Number: "*55#"}, `"tabhere" <*55#>`, true},
		{ari.CallerID{Name: "Trunk"}, "", false},
		{ari.CallerID{Name: "x", Number: "trunk-a"}, "", false},
		{ari.CallerID{Number: "102>,PJSIP/evil"}, "", false},
		{ari.CallerID{Number: "12345678901234567890123456789012345678901"}, "", false},
	} {
		got, ok := connectedLine(tc.id)
		if got != tc.want || ok != tc.ok {
			t.Errorf("connectedLine(%+v) = %q, %v; want %q, %v", tc.id, got, ok, tc.want, tc.ok)
		}
	}
}
