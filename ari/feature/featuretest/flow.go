package featuretest

import (
	"testing"

	"github.com/switchboard-pbx/switchboard/ari/core/coretest"
	"github.com/switchboard-pbx/switchboard/ari/feature"
	"github.com/switchboard-pbx/switchboard/ari/feature/callflow"
	"github.com/switchboard-pbx/switchboard/dialplan"
)

// Flow is the callflow router with an in-memory directory on the simulator.
type Flow struct {
	*coretest.Rig
	// Dir holds the extensions and their settings.
	Dir *MemDir
	// Env is the features' environment (the trunk is "trunk").
	Env *feature.Env
	// Router serves the calls; register features on it before calls start.
	Router *callflow.Router
}

// New builds a Flow with the given extensions; setup (optional) registers
// features on the router and adjusts the environment before the engine
// starts.
func New(t testing.TB, setup func(*Flow), numbers ...string) *Flow {
	t.Helper()
	plan, err := dialplan.New(dialplan.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	f := &Flow{Dir: NewMemDir(numbers...)}
	f.Env = &feature.Env{Directory: f.Dir, Plan: plan, Trunk: "trunk"}
	f.Router = callflow.NewRouter(f.Env)
	if setup != nil {
		setup(f)
	}
	f.Rig = coretest.New(t, f.Router)
	f.Env.Clock = f.Rig.Clock
	return f
}
