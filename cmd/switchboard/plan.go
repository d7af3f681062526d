package main

import (
	"errors"
	"strings"

	"github.com/switchboard-pbx/switchboard/config"
	"github.com/switchboard-pbx/switchboard/dialplan"
)

// planConfig is the numbering plan the call router uses, from the
// configuration's numbering section; feature codes keep their defaults.
func planConfig(n config.Numbering) dialplan.Config {
	c := dialplan.DefaultConfig()
	c.Extensions = dialplan.Range{Min: n.Extensions.From, Max: n.Extensions.To}
	c.Parking = dialplan.Range{Min: n.Parking.From, Max: n.Parking.To}
	c.Conference = dialplan.Range{Min: n.Conference.From, Max: n.Conference.To}
	c.OutboundPrefix = n.OutboundPrefix
	c.Emergency = append([]string(nil), n.EmergencyNumbers...)
	c.CountryCode = n.CountryCode
	c.NationalPrefix = n.NationalPrefix
	c.InternationalPrefix = n.InternationalPrefix
	c.AreaCode = n.AreaCode
	return c
}

// checkPlan runs the router's own plan validation (feature codes against
// the number ranges, prefixes, canonical-number settings) so that a plan
// the router would refuse stops the start like any other bad setting.
func checkPlan(n config.Numbering) error {
	err := planConfig(n).Validate()
	if err == nil {
		return nil
	}
	var pe *dialplan.PlanError
	if !errors.As(err, &pe) {
		return &config.SettingError{Key: "numbering", Problem: err.Error()}
	}
	key := pe.Setting
	if strings.HasPrefix(key, "emergency") {
		key = "emergency_numbers"
	}
	return &config.SettingError{Key: "numbering." + key, Problem: pe.Problem}
}
