package asteriskconf

import "sort"

// Tone is one named tone of a country's tone set in indications.conf
// (played by ARI `tone:<name>` and as inband progress).
type Tone struct {
	// Name is the indication name: dial, busy, ring, congestion, ...
	Name string
	// Spec is frequency[+frequency]/duration pairs; '!' plays once.
	Spec string
}

// toneSet is one country's tones, with its ring cadence.
type toneSet struct {
	Description string
	RingCadence string
	Tones       []Tone
}

// info is the ITU special-information tone (950/1400/1800 Hz).
const infoTone = "!950/330,!1400/330,!1800/330,0"

// countryTones are the national tone plans Switchboard ships (ITU-T E.180
// and the national operators' published plans).
var countryTones = map[string]toneSet{
	"us": {"United States / North America", "2000,4000", []Tone{
		{"dial", "350+440"},
		{"busy", "480+620/500,0/500"},
		{"ring", "440+480/2000,0/4000"},
		{"congestion", "480+620/250,0/250"},
		{"callwaiting", "440/300,0/10000"},
		{"dialrecall", "!350+440/100,!0/100,!350+440/100,!0/100,!350+440/100,!0/100,350+440"},
		{"record", "1400/500,0/15000"},
		{"info", infoTone},
		{"stutter", "!350+440/100,!0/100,!350+440/100,!0/100,!350+440/100,!0/100,350+440"},
	}},
	"uk": {"United Kingdom", "400,200,400,2000", []Tone{
		{"dial", "350+440"},
		{"busy", "400/375,0/375"},
		{"ring", "400+450/400,0/200,400+450/400,0/2000"},
		{"congestion", "400/400,0/350,400/225,0/525"},
		{"callwaiting", "400/100,0/4000"},
		{"dialrecall", "350+440"},
		{"record", "1400/500,0/60000"},
		{"info", infoTone},
		{"stutter", "350+440/750,440/750"},
	}},
	"de": {"Germany", "1000,4000", []Tone{
		{"dial", "425"},
		{"busy", "425/480,0/480"},
		{"ring", "425/1000,0/4000"},
		{"congestion", "425/240,0/240"},
		{"callwaiting", "!425/200,!0/200,!425/200,!0/5000,!425/200,!0/200,!425/200,0"},
		{"dialrecall", "!425/100,!0/100,!425/100,!0/100,!425/100,!0/100,425"},
		{"record", "1400/80,0/15000"},
		{"info", infoTone},
		{"stutter", "425+400"},
	}},
	"fr": {"France", "1500,3500", []Tone{
		{"dial", "440"},
		{"busy", "440/500,0/500"},
		{"ring", "440/1500,0/3500"},
		{"congestion", "440/250,0/250"},
		{"callwaiting", "440/300,0/10000"},
		{"dialrecall", "!350+440/100,!0/100,!350+440/100,!0/100,!350+440/100,!0/100,350+440"},
		{"record", "1400/500,0/15000"},
		{"info", infoTone},
		{"stutter", "!440/100,!0/100,!440/100,!0/100,!440/100,!0/100,440"},
	}},
}

// countries lists the supported Country values, sorted.
func countries() []string {
	out := make([]string, 0, len(countryTones))
	for c := range countryTones {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}
