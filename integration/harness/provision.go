package harness

import (
	"context"
	"fmt"

	"github.com/switchboard-pbx/switchboard/ari"
	"github.com/switchboard-pbx/switchboard/provision"
)

// provisionAll creates the PJSIP endpoint, AOR and auth of each desk-phone
// extension (and its <n>-web browser endpoint) through the project's
// provision package, i.e. ARI dynamic configuration, in both modes.
func provisionAll(ctx context.Context, c *ari.Client, exts []string) error {
	p := provision.New(c, provision.Options{})
	for _, ext := range exts {
		e := provision.Extension{Number: ext, Name: "Ext " + ext, SIPSecret: sipPassword(ext), Browser: true}
		if err := p.Apply(ctx, e); err != nil {
			return fmt.Errorf("harness: provision %s: %w", ext, err)
		}
	}
	return nil
}

// sipPassword is the SIP password the harness gives extension ext; the
// browser endpoint <ext>-web shares it.
func sipPassword(endpoint string) string {
	if n := len(endpoint); n > 4 && endpoint[n-4:] == "-web" {
		endpoint = endpoint[:n-4]
	}
	return "pw-" + endpoint + "-harness"
}
