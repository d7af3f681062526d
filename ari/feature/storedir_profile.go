package feature

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/switchboard-pbx/switchboard/store"
)

var _ ProfileReader = StoreDirectory{}

// extColumns are the columns of store.Extension with where each one is
// scanned to; a test checks them against the store's schema, so that a new
// column cannot be missed.
var extColumns = []struct {
	name string
	dest func(e *store.Extension) any
}{
	{"id", func(e *store.Extension) any { return &e.ID }},
	{"number", func(e *store.Extension) any { return &e.Number }},
	{"name", func(e *store.Extension) any { return &e.Name }},
	{"department_id", func(e *store.Extension) any { return &e.DepartmentID }},
	{"portal_enabled", func(e *store.Extension) any { return &e.PortalEnabled }},
	{"portal_password_hash", func(e *store.Extension) any { return &e.PortalPasswordHash }},
	{"operator", func(e *store.Extension) any { return &e.Operator }},
	{"s_ip_secret", func(e *store.Extension) any { return &e.SIPSecret }},
	{"voicemail_password", func(e *store.Extension) any { return &e.VoicemailPassword }},
	{"voicemail_enabled", func(e *store.Extension) any { return &e.VoicemailEnabled }},
	{"email", func(e *store.Extension) any { return &e.Email }},
	{"dnd", func(e *store.Extension) any { return &e.DND }},
	{"dnd_to_voicemail", func(e *store.Extension) any { return &e.DNDToVoicemail }},
	{"spy_allowed", func(e *store.Extension) any { return &e.SpyAllowed }},
	{"fax_receiver", func(e *store.Extension) any { return &e.FaxReceiver }},
	{"outbound_class", func(e *store.Extension) any { return &e.OutboundClass }},
	{"outbound_caller_id", func(e *store.Extension) any { return &e.OutboundCallerID }},
	{"created_at", func(e *store.Extension) any { return &e.CreatedAt }},
	{"updated_at", func(e *store.Extension) any { return &e.UpdatedAt }},
}

// profileSQL reads extensions with their forward targets and follow-me head
// in one statement (SQLite and MySQL alike). The SQLite driver parses every
// statement on every execution, so routing costs what its statements cost:
// this one replaces three per extension, and is scanned without gorm's
// reflection. The follow-me steps are read by a second statement only for
// extensions that have steps. "?" is replaced by one placeholder per number.
var profileSQL = func() string {
	cols := make([]string, len(extColumns))
	for i, c := range extColumns {
		cols[i] = "e." + c.name
	}
	return "SELECT " + strings.Join(cols, ", ") + `,
 fa.number, fa.enabled, fb.number, fb.enabled, fn.number, fn.enabled,
 fm.enabled, fm.own_ring_sec,
 (SELECT COUNT(*) FROM follow_me_steps s WHERE s.extension = e.number)
FROM extensions e
LEFT JOIN call_forwards fa ON fa.extension = e.number AND fa.kind = 'all'
LEFT JOIN call_forwards fb ON fb.extension = e.number AND fb.kind = 'busy'
LEFT JOIN call_forwards fn ON fn.extension = e.number AND fn.kind = 'noanswer'
LEFT JOIN follow_me fm ON fm.extension = e.number
WHERE e.number IN (?)`
}()

// profileRow holds the nullable columns of one row besides the extension.
type profileRow struct {
	fwdNumber [3]sql.NullString
	fwdOn     [3]sql.NullBool
	fmOn      sql.NullBool
	fmOwnRing sql.NullInt64
	fmSteps   int64
}

// Profiles implements ProfileReader: one statement for every number asked,
// plus one per extension that has follow-me steps, shared with the calls
// asking at the same moment (see profileBatcher). Nothing is cached.
func (d StoreDirectory) Profiles(ctx context.Context, numbers ...string) (map[string]*Profile, error) {
	if len(numbers) == 0 {
		return map[string]*Profile{}, nil
	}
	return batcherFor(d.Store).read(ctx, numbers, d.profiles)
}

// profiles reads the profiles of numbers in one statement.
func (d StoreDirectory) profiles(ctx context.Context, numbers []string) (map[string]*Profile, error) {
	out := make(map[string]*Profile, len(numbers))
	if len(numbers) == 0 {
		return out, nil
	}
	db, err := d.Store.DB().DB()
	if err != nil {
		return nil, fmt.Errorf("feature: read profiles: %w", err)
	}
	q := profileSQL
	args := make([]any, len(numbers))
	for i, n := range numbers {
		args[i] = n
	}
	if len(numbers) > 1 {
		q = strings.Replace(q, "IN (?)", "IN (?"+strings.Repeat(", ?", len(numbers)-1)+")", 1)
	}
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("feature: read profiles: %w", err)
	}
	defer rows.Close()
	var withSteps []*Profile
	for rows.Next() {
		p := &Profile{Extension: &store.Extension{}}
		var r profileRow
		dest := make([]any, 0, len(extColumns)+9)
		for _, c := range extColumns {
			dest = append(dest, c.dest(p.Extension))
		}
		for i := range r.fwdNumber {
			dest = append(dest, &r.fwdNumber[i], &r.fwdOn[i])
		}
		dest = append(dest, &r.fmOn, &r.fmOwnRing, &r.fmSteps)
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("feature: read profiles: %w", err)
		}
		fw := [3]Forward{}
		for i := range fw {
			fw[i] = Forward{Number: r.fwdNumber[i].String, On: r.fwdOn[i].Bool}
		}
		p.Forwards = Forwards{All: fw[0], Busy: fw[1], NoAnswer: fw[2]}
		p.FollowMe = FollowMe{On: r.fmOn.Bool, OwnRing: store.DefaultFollowMeOwnRingSec * time.Second}
		if r.fmOwnRing.Valid {
			p.FollowMe.OwnRing = time.Duration(r.fmOwnRing.Int64) * time.Second
		}
		if r.fmSteps > 0 {
			withSteps = append(withSteps, p)
		}
		out[p.Extension.Number] = p
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("feature: read profiles: %w", err)
	}
	rows.Close()
	for _, p := range withSteps {
		// The head is read again with the steps, so that both are one setting.
		fm, err := d.FollowMe(ctx, p.Extension.Number)
		if err != nil {
			return nil, fmt.Errorf("feature: read follow-me of %s: %w", p.Extension.Number, err)
		}
		p.FollowMe = fm
	}
	return out, nil
}
