package harness

import (
	"bufio"
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/ari"
)

func TestSimModeGivesTheAppARIThroughTheProxyAndAMI(t *testing.T) {
	h := New(t, ModeSim, Options{Extensions: []string{"101"}})
	env := h.Env()
	if !strings.HasPrefix(env.ARIURL, "http://127.0.0.1:") || env.Clock != h.Clock() {
		t.Fatalf("env = %+v", env)
	}
	c := ari.New(ari.Options{BaseURL: env.ARIURL, Username: env.ARIUser, Password: env.ARIPassword})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := c.Endpoints().Get(ctx, "PJSIP", "101"); err != nil {
		t.Fatalf("the provisioned endpoint is not visible through the proxy: %v", err)
	}
	conn, err := net.DialTimeout("tcp", env.AMIAddr, 2*time.Second)
	if err != nil {
		t.Fatalf("AMI: %v", err)
	}
	defer conn.Close()
	_ = conn.SetReadDeadline(time.Now().Add(2 * time.Second))
	banner, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil || !strings.Contains(banner, "Asterisk Call Manager") {
		t.Fatalf("AMI banner %q, %v", banner, err)
	}
}

func TestWaitLetsSimulatedTimePassQuickly(t *testing.T) {
	h := New(t, ModeSim, Options{})
	start, real := h.Clock().Now(), time.Now()
	h.Wait(30 * time.Second)
	if got := h.Clock().Now().Sub(start); got != 30*time.Second {
		t.Fatalf("clock advanced %v, want 30s", got)
	}
	if el := time.Since(real); el > 5*time.Second {
		t.Fatalf("30 simulated seconds took %v of real time", el)
	}
}

func TestAFailedWaitSaysWhatDidNotHappen(t *testing.T) {
	h := New(t, ModeSim, Options{})
	err := h.await("the impossible", 2*time.Second, func() (bool, error) { return false, nil })
	if err == nil || !strings.Contains(err.Error(), "the impossible did not happen within 2s (simulated)") {
		t.Fatalf("err = %v", err)
	}
}

func TestAsteriskModeSkipsWithoutTheVariable(t *testing.T) {
	t.Setenv(EnvAsterisk, "")
	var skipped bool
	t.Run("inner", func(t *testing.T) {
		defer func() { skipped = t.Skipped() }()
		New(t, ModeAsterisk, Options{})
	})
	if !skipped {
		t.Fatal("mode (b) ran without SWITCHBOARD_ASTERISK")
	}
}
