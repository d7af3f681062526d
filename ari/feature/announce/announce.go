// Package announce is FC-ANNOUNCE: **11# says the PBX's WAN address, **12#
// its LAN address, **13# the caller's own extension number.
package announce

import (
	"context"
	"net/netip"
	"strings"

	"github.com/switchboard-pbx/switchboard/ari/feature"
	"github.com/switchboard-pbx/switchboard/ari/feature/callflow"
	"github.com/switchboard-pbx/switchboard/dialplan"
)

// Addresses tells the PBX's addresses (from the system settings).
type Addresses func(ctx context.Context) (wan, lan string)

// Register serves the announce codes on the router.
func Register(r *callflow.Router, addrs Addresses) {
	r.Handle(dialplan.CodeAnnounceWAN, feature.HandlerFunc(func(ctx context.Context, env *feature.Env, req *feature.Request) error {
		wan, _ := addrs(ctx)
		return say(ctx, req, "wan", wan)
	}))
	r.Handle(dialplan.CodeAnnounceLAN, feature.HandlerFunc(func(ctx context.Context, env *feature.Env, req *feature.Request) error {
		_, lan := addrs(ctx)
		return say(ctx, req, "lan", lan)
	}))
	r.Handle(dialplan.CodeAnnounceExt, feature.HandlerFunc(func(ctx context.Context, env *feature.Env, req *feature.Request) error {
		req.Call.Trace(ctx, "announce", "own extension "+req.Caller.Number)
		return feature.Confirm(ctx, req, "sound:extension", "digits:"+req.Caller.Number)
	}))
}

func say(ctx context.Context, req *feature.Request, which, addr string) error {
	media, ok := AddressMedia(addr)
	req.Call.Trace(ctx, "announce", which+" address "+addr)
	if !ok {
		return feature.Confirm(ctx, req, "sound:ss-noservice")
	}
	return feature.Confirm(ctx, req, media...)
}

// AddressMedia turns an IPv4 address into playback media: each group as
// digits, "dot" between them. It reports false for anything else.
func AddressMedia(addr string) ([]string, bool) {
	ip, err := netip.ParseAddr(strings.TrimSpace(addr))
	if err != nil || !ip.Is4() {
		return nil, false
	}
	var media []string
	for i, part := range strings.Split(ip.String(), ".") {
		if i > 0 {
			media = append(media, "sound:letters/dot")
		}
		media = append(media, "digits:"+part)
	}
	return media, true
}
