package provision

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/switchboard-pbx/switchboard/ari"
)

// fingerprint identifies an object's managed fields.
func (o object) fingerprint() string {
	h := sha256.New()
	for _, f := range o.fields {
		fmt.Fprintf(h, "%s=%s\n", f.Attribute, f.Value)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// write makes Asterisk hold object o.
//
// What Asterisk 22.10.1 does with ARI updates shapes this: an update first
// copies the existing object through its full object set, and for endpoints
// that set holds the retired option stir_shaken, which logs a WARNING on
// every update (and an endpoint with set_var cannot be updated at all: 500).
// So an endpoint is never updated in place: an unchanged one (same
// fingerprint as this process last wrote, and still present) is left alone,
// a changed one is deleted and created again. AORs and auths update cleanly.
// changed reports whether anything was sent.
func (p *Provisioner) write(ctx context.Context, o object) (changed bool, err error) {
	key := o.typ + "/" + o.id
	fp := o.fingerprint()
	exists := true
	if _, err := p.cfg.GetObject(ctx, SorceryClass, o.typ, o.id); errors.Is(err, ari.ErrNotFound) {
		exists = false
	} else if err != nil {
		return false, fmt.Errorf("%w: get %s %s: %w", ErrAsterisk, o.typ, o.id, err)
	}
	if exists && p.written[key] == fp {
		return false, nil
	}
	if exists && o.typ == TypeEndpoint {
		if err := p.cfg.DeleteObject(ctx, SorceryClass, o.typ, o.id); err != nil && !errors.Is(err, ari.ErrNotFound) {
			return true, fmt.Errorf("%w: replace %s %s: %w", ErrAsterisk, o.typ, o.id, err)
		}
	}
	delete(p.written, key)
	if _, err := p.cfg.UpdateObject(ctx, SorceryClass, o.typ, o.id, ari.AsteriskUpdateObjectParams{Fields: o.fields}); err != nil {
		return true, fmt.Errorf("%w: put %s %s: %w", ErrAsterisk, o.typ, o.id, err)
	}
	p.written[key] = fp
	return true, nil
}
