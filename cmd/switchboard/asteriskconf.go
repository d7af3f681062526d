package main

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"strconv"

	asteriskconf "github.com/switchboard-pbx/switchboard/asterisk-conf"
	"github.com/switchboard-pbx/switchboard/config"
)

// countryTones maps calling codes to the indications.conf tone sets.
var countryTones = map[string]string{"1": "us", "44": "uk", "49": "de", "33": "fr"}

// runAsteriskConf handles `switchboard asterisk-conf render --out DIR`.
func runAsteriskConf(_ context.Context, a *app, args []string) error {
	if len(args) == 0 || args[0] != "render" {
		fmt.Fprintln(a.stderr, "usage: switchboard asterisk-conf render [--out DIR] [flags]")
		fmt.Fprintln(a.stderr, "  writes Asterisk 22's configuration with this installation's secrets, ports and addresses")
		return errUsage
	}
	fs := a.flagSet("asterisk-conf render")
	flags := config.RegisterFlags(fs)
	out := fs.String("out", "", "folder to write the files into (default: asterisk.config_dir)")
	noTLS := fs.Bool("no-tls", false, "render without HTTPS/WSS and SIP TLS (when Asterisk cannot read http.tls_cert/tls_key)")
	d := asteriskconf.Defaults()
	fax := fs.Bool("fax", d.Fax, "load the fax modules (res_fax_spandsp must exist)")
	opus := fs.Bool("opus", d.Opus, "load codec_opus (a separate download)")
	mailboxes := fs.Bool("mailboxes", d.Mailboxes, "load the external MWI/mailbox modules")
	if err := a.parse(fs, args[1:]); err != nil {
		return err
	}
	c, err := a.loadConfig(flags)
	if err != nil {
		return err
	}
	p, err := asteriskParams(c.cfg, !*noTLS)
	if err != nil {
		return err
	}
	p.Fax, p.Opus, p.Mailboxes = *fax, *opus, *mailboxes
	dir := *out
	if dir == "" {
		dir = c.cfg.Asterisk.ConfigDir
	}
	if err := asteriskconf.Render(p, dir); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "wrote %d Asterisk configuration files to %s\n", len(asteriskconf.Files()), dir)
	return nil
}

// asteriskParams derives the rendering parameters from the configuration,
// so that Asterisk gets exactly the credentials and ports serve uses.
// cfg must have been through config.Prepare (secrets filled).
func asteriskParams(cfg config.Config, withTLS bool) (asteriskconf.Params, error) {
	p := asteriskconf.Defaults()
	p.App = config.AppName
	p.ARIUser, p.ARIPassword = cfg.ARI.Username, cfg.ARI.Password
	p.AMIUser, p.AMIPassword = cfg.AMI.Username, cfg.AMI.Password

	u, err := url.Parse(cfg.ARI.URL)
	if err != nil {
		return p, fmt.Errorf("ari.url: %w", err)
	}
	if h := u.Hostname(); h != "" && h != "localhost" {
		p.HTTPBindAddr = h
	}
	if port := u.Port(); port != "" {
		p.HTTPPort, _ = strconv.Atoi(port)
	}
	host, port, err := net.SplitHostPort(cfg.AMI.Address)
	if err != nil {
		return p, fmt.Errorf("ami.address: %w", err)
	}
	if host != "localhost" {
		p.AMIBindAddr = host
	}
	p.AMIPort, _ = strconv.Atoi(port)

	a := cfg.Asterisk
	p.SIPUDPPort, p.SIPTCPPort, p.SIPTLSPort = a.SIPUDPPort, a.SIPTCPPort, a.SIPTLSPort
	p.RTPStart, p.RTPEnd = a.RTPStart, a.RTPEnd
	p.ExternalAddress = a.ExternalAddress
	p.LocalNets = append([]string(nil), a.LocalNets...)
	p.SIPBindAddr = a.SIPBindAddress
	p.Dirs.Etc, p.Dirs.Spool = a.ConfigDir, a.SpoolDir
	if withTLS {
		p.TLSCertFile, p.TLSKeyFile = cfg.HTTP.TLSCert, cfg.HTTP.TLSKey
	} else {
		p.TLSCertFile, p.TLSKeyFile, p.SIPTLSPort = "", "", 0
	}
	p.ParkingSlots = nil
	for n := cfg.Numbering.Parking.From; n <= cfg.Numbering.Parking.To; n++ {
		p.ParkingSlots = append(p.ParkingSlots, strconv.Itoa(n))
	}
	if tones, ok := countryTones[cfg.Numbering.CountryCode]; ok {
		p.Country = tones
	}
	return p, nil
}
