package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"github.com/switchboard-pbx/switchboard/config"
	"github.com/switchboard-pbx/switchboard/integration/sim"
	"github.com/switchboard-pbx/switchboard/provision"
	"github.com/switchboard-pbx/switchboard/store"
)

// simRecordings is the simulator's recording folder under the data folder.
const simRecordings = "sim-recordings"

// voice is where serve finds Asterisk: the configured one, or the
// simulator it started itself.
type voice struct {
	ariURL, amiAddr, amiUser, amiSecret string
	// stop shuts the simulator down; nil for a real Asterisk.
	stop func()
}

// startVoice returns the configured Asterisk for engine "asterisk", or
// starts the ARI/AMI simulator on loopback ports for engine "sim" (the same
// credentials, so the links and provisioning run unchanged).
func startVoice(ctx context.Context, cfg config.Config, log *slog.Logger) (*voice, error) {
	v := &voice{ariURL: cfg.ARI.URL, amiAddr: cfg.AMI.Address, amiUser: cfg.AMI.Username, amiSecret: cfg.AMI.Password}
	if cfg.Engine != config.EngineSim {
		return v, nil
	}
	s, err := sim.New(sim.Options{
		Username: cfg.ARI.Username, Password: cfg.ARI.Password, App: config.AppName,
		RecordingDir: filepath.Join(cfg.DataDir, simRecordings), Logger: log,
	})
	if err != nil {
		return nil, fmt.Errorf("engine sim: %w", err)
	}
	ariLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("engine sim: ARI listener: %w", err)
	}
	amiLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		_ = ariLn.Close()
		return nil, fmt.Errorf("engine sim: AMI listener: %w", err)
	}
	hs := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := hs.Serve(ariLn); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("engine sim: ARI server stopped", "error", err)
		}
	}()
	amiCtx, stopAMI := context.WithCancel(context.WithoutCancel(ctx))
	amiDone := make(chan struct{})
	go func() {
		defer close(amiDone)
		if err := s.ServeAMI(amiCtx, amiLn); err != nil {
			log.Error("engine sim: AMI server stopped", "error", err)
		}
	}()
	v.ariURL = "http://" + ariLn.Addr().String() + "/ari"
	v.amiAddr = amiLn.Addr().String()
	v.amiUser, v.amiSecret = cfg.ARI.Username, cfg.ARI.Password
	v.stop = func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = hs.Shutdown(sctx)
		stopAMI()
		<-amiDone
	}
	log.InfoContext(ctx, "engine sim: simulated Asterisk started (no real calls)",
		"ari", v.ariURL, "ami", v.amiAddr, "phones_api", "http://"+ariLn.Addr().String()+"/sim/phones/")
	return v, nil
}

// provisionOnConnect returns the ARI link's onUp: it makes Asterisk hold
// exactly the store's extensions as PJSIP endpoints (desk phones, and the
// browser endpoint where the portal is enabled). Asterisk keeps them in
// memory only, so this runs on every connect and after every restart.
func provisionOnConnect(st *store.Store, p *provision.Provisioner, log *slog.Logger) func(context.Context) error {
	return func(ctx context.Context) error {
		exts, err := st.Extensions.List(ctx, store.ExtensionFilter{})
		if err != nil {
			return fmt.Errorf("provision: %w", err)
		}
		want := make([]provision.Extension, 0, len(exts))
		skipped := 0
		for _, e := range exts {
			if len(e.SIPSecret) < provision.MinSecretLen {
				skipped++
				continue
			}
			want = append(want, provision.Extension{Number: e.Number, Name: e.Name, SIPSecret: e.SIPSecret, Browser: e.PortalEnabled})
		}
		rep, err := p.Sync(ctx, want)
		log.InfoContext(ctx, "extensions provisioned in asterisk",
			"applied", len(rep.Applied), "removed", len(rep.Removed), "skipped_without_sip_secret", skipped)
		if err != nil {
			return fmt.Errorf("provision: %w", err)
		}
		return nil
	}
}
