package dialplan

import "testing"

func benchRoute(b *testing.B, p *Plan, dialled string, c Caller) {
	b.Helper()
	if _, err := p.Route(dialled, c); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_, _ = p.Route(dialled, c)
	}
}

func BenchmarkRouteExtension(b *testing.B) { benchRoute(b, testPlan(b), "102", phone101) }

func BenchmarkRouteFeatureCodeWithExtension(b *testing.B) {
	benchRoute(b, testPlan(b), "*90102#", phone101)
}

func BenchmarkRouteForwardToExternalE164(b *testing.B) {
	benchRoute(b, germanPlan(b), "*719030123456#", phone101)
}

func BenchmarkRouteExternalE164(b *testing.B) {
	benchRoute(b, germanPlan(b), "9030123456", phone101)
}

func BenchmarkRouteEmergencyWithPrefix(b *testing.B) {
	benchRoute(b, testPlan(b), "9112", Caller{Extension: "101", Origin: OriginPhone, Class: ClassInternal})
}

func BenchmarkRouteRejection(b *testing.B) {
	p := testPlan(b)
	b.ReportAllocs()
	for b.Loop() {
		_, _ = p.Route("*90999#", phone101)
	}
}

func BenchmarkCanonicalCallerID(b *testing.B) {
	p := germanPlan(b)
	b.ReportAllocs()
	for b.Loop() {
		_, _ = p.CanonicalCallerID("004930123456")
	}
}

func BenchmarkInCallMatcherFeed(b *testing.B) {
	m := testPlan(b).NewInCallMatcher()
	keys := []byte("12*4#5*9")
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		m.Feed(keys[i%len(keys)])
	}
}
