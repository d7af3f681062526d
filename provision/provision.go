// Package provision turns Switchboard's extensions into PJSIP endpoints, AORs
// and auths inside a running Asterisk, without a restart, through ARI dynamic
// configuration (PUT /ari/asterisk/config/dynamic/res_pjsip/{type}/{id}),
// which asterisk-conf's sorcery.conf backs with the memory wizard.
//
// Each extension <n> becomes endpoint/AOR/auth "<n>" for its desk phones and,
// when it has a browser phone, "<n>-web". Dynamic objects cannot inherit
// pjsip.conf templates, so every object carries all its settings.
//
// The memory wizard is emptied by an Asterisk restart: call Sync with every
// extension on each ARI (re)connect.
package provision

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"unicode"

	"github.com/switchboard-pbx/switchboard/ari"
)

// Sentinel errors.
var (
	// ErrInvalidExtension: the extension cannot be provisioned as given.
	ErrInvalidExtension = errors.New("provision: invalid extension")
	// ErrAsterisk: Asterisk refused or failed a dynamic-configuration call.
	ErrAsterisk = errors.New("provision: asterisk refused the change")
)

// Extension is what provisioning needs of an extension.
type Extension struct {
	// Number is the extension number and the desk phones' endpoint id.
	Number string
	// Name is the caller-ID name.
	Name string
	// SIPSecret is the digest password of its phones and browser.
	SIPSecret string
	// Browser also provisions <Number>-web for the portal's WebRTC phone.
	Browser bool
}

// MinSecretLen is the shortest SIP secret accepted.
const MinSecretLen = 8

var numberRe = regexp.MustCompile(`^[0-9]{1,15}$`)

// Validate reports why e cannot be provisioned, wrapping ErrInvalidExtension.
func (e Extension) Validate() error {
	if !numberRe.MatchString(e.Number) {
		return fmt.Errorf("%w: number %q is not 1-15 digits", ErrInvalidExtension, e.Number)
	}
	if len(e.SIPSecret) < MinSecretLen {
		return fmt.Errorf("%w: %s: SIP secret shorter than %d", ErrInvalidExtension, e.Number, MinSecretLen)
	}
	if strings.IndexFunc(e.SIPSecret, unicode.IsControl) >= 0 {
		return fmt.Errorf("%w: %s: SIP secret has control characters", ErrInvalidExtension, e.Number)
	}
	return nil
}

// ConfigStore is the part of ARI's /asterisk resource that provisioning uses;
// ari.Client's Asterisk() satisfies it.
type ConfigStore interface {
	GetObject(ctx context.Context, configClass, objectType, id string) ([]ari.ConfigTuple, error)
	UpdateObject(ctx context.Context, configClass, objectType, id string, p ari.AsteriskUpdateObjectParams) ([]ari.ConfigTuple, error)
	DeleteObject(ctx context.Context, configClass, objectType, id string) error
}

// EndpointLister lists a technology's endpoints; ari.Client's Endpoints()
// satisfies it.
type EndpointLister interface {
	ListByTech(ctx context.Context, tech string) ([]ari.Endpoint, error)
}

// Options shape the provisioned objects; zero values take the defaults.
type Options struct {
	// PhoneCodecs in preference order; default g722, ulaw, alaw.
	PhoneCodecs []string
	// BrowserCodecs in preference order; default ulaw, alaw (put opus first
	// only where Asterisk has codec_opus).
	BrowserCodecs []string
	// MaxContacts per desk-phone AOR; default 5.
	MaxContacts int
	// BrowserMaxContacts per browser AOR; default 2.
	BrowserMaxContacts int
	// QualifyFrequency in seconds; default 30.
	QualifyFrequency int
	// Mailboxes sets mailboxes=<n>@<MailboxContext> for MWI (only where
	// res_mwi_external is loaded).
	Mailboxes bool
	// MailboxContext is the mailbox id's context; default "default".
	MailboxContext string
	// Fax enables T.38 on desk-phone endpoints (ATAs).
	Fax bool
	// Logger; slog.Default() if nil.
	Logger *slog.Logger
}

func (o Options) withDefaults() Options {
	if len(o.PhoneCodecs) == 0 {
		o.PhoneCodecs = []string{"g722", "ulaw", "alaw"}
	}
	if len(o.BrowserCodecs) == 0 {
		o.BrowserCodecs = []string{"ulaw", "alaw"}
	}
	if o.MaxContacts <= 0 {
		o.MaxContacts = 5
	}
	if o.BrowserMaxContacts <= 0 {
		o.BrowserMaxContacts = 2
	}
	if o.QualifyFrequency <= 0 {
		o.QualifyFrequency = 30
	}
	if o.MailboxContext == "" {
		o.MailboxContext = "default"
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

// Provisioner writes extensions into Asterisk. Its methods are safe for
// concurrent use; they run one at a time.
type Provisioner struct {
	cfg  ConfigStore
	eps  EndpointLister
	opts Options
	mu   sync.Mutex
	// written remembers the fingerprint of every object this process wrote,
	// by "type/id", so that an unchanged object is not written again.
	written map[string]string
}

// New provisions through an ARI client.
func New(c *ari.Client, o Options) *Provisioner {
	return NewWith(c.Asterisk(), c.Endpoints(), o)
}

// NewWith provisions through any ConfigStore and EndpointLister.
func NewWith(cfg ConfigStore, eps EndpointLister, o Options) *Provisioner {
	return &Provisioner{cfg: cfg, eps: eps, opts: o.withDefaults(), written: map[string]string{}}
}

// Apply creates or updates the extension's objects, and removes its browser
// objects when it has no browser phone.
func (p *Provisioner) Apply(ctx context.Context, e Extension) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.apply(ctx, e)
}

func (p *Provisioner) apply(ctx context.Context, e Extension) error {
	if err := e.Validate(); err != nil {
		return err
	}
	objs := p.deskObjects(e)
	if e.Browser {
		objs = append(objs, p.browserObjects(e)...)
	}
	changed := false
	for _, o := range objs {
		c, err := p.write(ctx, o)
		changed = changed || c
		if err != nil {
			return err
		}
	}
	if !e.Browser {
		if err := p.remove(ctx, e.Number+BrowserSuffix); err != nil {
			return err
		}
	}
	if changed {
		p.opts.Logger.InfoContext(ctx, "extension provisioned", "extension", e.Number, "browser", e.Browser)
	}
	return nil
}

// SorceryClass is the ARI configClass of PJSIP objects.
const SorceryClass = "res_pjsip"

// Remove deletes the extension's desk-phone and browser objects; objects
// already gone are not an error. Registered contacts stay in astdb and come
// back if the extension is provisioned again.
func (p *Provisioner) Remove(ctx context.Context, number string) error {
	if !numberRe.MatchString(number) {
		return fmt.Errorf("%w: number %q is not 1-15 digits", ErrInvalidExtension, number)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	err := errors.Join(p.remove(ctx, number), p.remove(ctx, number+BrowserSuffix))
	if err == nil {
		p.opts.Logger.InfoContext(ctx, "extension removed", "extension", number)
	}
	return err
}

// remove deletes endpoint, then AOR and auth, of one id.
func (p *Provisioner) remove(ctx context.Context, id string) error {
	for _, typ := range []string{TypeEndpoint, TypeAOR, TypeAuth} {
		err := p.cfg.DeleteObject(ctx, SorceryClass, typ, id)
		delete(p.written, typ+"/"+id)
		if err != nil && !errors.Is(err, ari.ErrNotFound) {
			return fmt.Errorf("%w: delete %s %s: %w", ErrAsterisk, typ, id, err)
		}
	}
	return nil
}

// Report says what a Sync changed.
type Report struct {
	// Applied are the extension numbers written.
	Applied []string
	// Removed are the endpoint ids deleted because no extension wants them.
	Removed []string
}

// ownedID matches the endpoint ids provisioning creates.
var ownedID = regexp.MustCompile(`^[0-9]{1,15}(` + BrowserSuffix + `)?$`)

// Sync makes Asterisk hold exactly the given extensions: it applies every one
// and deletes the extension objects no longer wanted. An endpoint counts as
// ours when its id is <digits> or <digits>-web and its context is
// from-phones or from-browser; static pjsip.conf objects (trunks) are never
// touched. It carries on past a failing extension and returns all failures.
func (p *Provisioner) Sync(ctx context.Context, exts []Extension) (Report, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var rep Report
	var errs []error
	wanted := map[string]bool{}
	for _, e := range exts {
		if err := p.apply(ctx, e); err != nil {
			errs = append(errs, err)
			// keep whatever Asterisk has for it rather than deleting it below
			wanted[e.Number], wanted[e.Number+BrowserSuffix] = true, true
			continue
		}
		wanted[e.Number] = true
		if e.Browser {
			wanted[e.Number+BrowserSuffix] = true
		}
		rep.Applied = append(rep.Applied, e.Number)
	}
	eps, err := p.eps.ListByTech(ctx, "PJSIP")
	if err != nil {
		errs = append(errs, fmt.Errorf("%w: list PJSIP endpoints: %w", ErrAsterisk, err))
		return rep, errors.Join(errs...)
	}
	for _, ep := range eps {
		id := ep.Resource
		if wanted[id] || !ownedID.MatchString(id) {
			continue
		}
		ours, err := p.provisioned(ctx, id)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !ours {
			continue
		}
		if err := p.remove(ctx, id); errors.Is(err, ari.ErrForbidden) {
			// a static pjsip.conf endpoint: not ours to delete
			p.opts.Logger.WarnContext(ctx, "endpoint looks provisioned but is static; left alone", "endpoint", id)
			continue
		} else if err != nil {
			errs = append(errs, err)
			continue
		}
		rep.Removed = append(rep.Removed, id)
		p.opts.Logger.InfoContext(ctx, "stale endpoint removed", "endpoint", id)
	}
	return rep, errors.Join(errs...)
}

// provisioned reports whether endpoint id looks like one Apply wrote.
func (p *Provisioner) provisioned(ctx context.Context, id string) (bool, error) {
	tuples, err := p.cfg.GetObject(ctx, SorceryClass, TypeEndpoint, id)
	if errors.Is(err, ari.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("%w: get endpoint %s: %w", ErrAsterisk, id, err)
	}
	for _, t := range tuples {
		if t.Attribute == "context" {
			return t.Value == ContextPhones || t.Value == ContextBrowser, nil
		}
	}
	return false, nil
}
