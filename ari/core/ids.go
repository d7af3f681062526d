package core

import (
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"strings"
	"sync/atomic"
)

// NamePrefix starts every channel, bridge and playback id the core makes, so
// that after a restart the app can recognise (and clean up) objects an earlier
// process of ours left in Asterisk.
const NamePrefix = "sb-"

// IDs makes ids that are unique across restarts: bridges outlive the app, and
// Asterisk answers 409 to a reused bridge id.
type IDs struct {
	run string
	n   atomic.Uint64
}

// NewIDs returns a generator with a fresh random run prefix.
func NewIDs() *IDs {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return &IDs{run: hex.EncodeToString(b[:])}
}

// Next returns a new id such as "sb-c-1a2b3c4d-17" for kind "c".
func (g *IDs) Next(kind string) string {
	var sb strings.Builder
	sb.Grow(len(NamePrefix) + len(kind) + len(g.run) + 8)
	sb.WriteString(NamePrefix)
	sb.WriteString(kind)
	sb.WriteByte('-')
	sb.WriteString(g.run)
	sb.WriteByte('-')
	sb.WriteString(strconv.FormatUint(g.n.Add(1), 10))
	return sb.String()
}

// Ours reports whether id was made by an IDs generator (this or an earlier
// process).
func Ours(id string) bool { return strings.HasPrefix(id, NamePrefix) }
