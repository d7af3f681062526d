package sim

import (
	"encoding/json"
	"testing"
)

func TestEventStringsAreWrittenExactlyAsJSONMarshalWritesThem(t *testing.T) {
	cases := []string{"", "switchboard", "PJSIP/101-00000001", "sb-call-3dd44b55-1", "a\"b", `back\slash`,
		"<tag>", "a&b", "tab\there", "line\nbreak", "\x00", "\x7f", "é", "\u2028", "日本", "\xff\xfe", "~ !#$%'()*+,-./:;=?@[]^_`{|}"}
	for _, s := range cases {
		want, _ := json.Marshal(s)
		if got := appendJSONString([]byte("x"), s); string(got) != "x"+string(want) {
			t.Errorf("%q: got %s, want %s", s, got[1:], want)
		}
	}
}

func FuzzEventStringsAreWrittenExactlyAsJSONMarshalWritesThem(f *testing.F) {
	f.Add("PJSIP/101-00000001")
	f.Add("<&>\"\\\n\u2028\xff")
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := appendJSONString(nil, s); string(got) != string(want) {
			t.Errorf("%q: got %s, want %s", s, got, want)
		}
	})
}
