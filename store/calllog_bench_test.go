package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"
)

// Benchmark data set: benchCalls call records over benchExtensions
// extensions during one year; bump benchSeedVersion when the generator
// changes so cached files are rebuilt.
const (
	benchCalls       = 1_000_000
	benchExtensions  = 500
	benchSeedVersion = 2
	benchPeerNumbers = 20_000
)

// benchSchema is the last migration that changed the call tables; cached
// seeds stay valid across later migrations (Migrate brings them up to date).
const benchSchema = 2

var benchStart = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// benchCallCount lets a quick run use fewer records
// (SWITCHBOARD_BENCH_CALLS=100000); the default is the 1M of the target.
func benchCallCount() int {
	if v, err := strconv.Atoi(os.Getenv("SWITCHBOARD_BENCH_CALLS")); err == nil && v > 0 {
		return v
	}
	return benchCalls
}

func benchExt(i int) string  { return strconv.Itoa(100 + i) }
func benchPeer(i int) string { return fmt.Sprintf("+4930%07d", 1000000+i*37) }

// BenchmarkCallLogPageSQLite measures one P-CDR page on a cached SQLite
// file of 1M calls (seeded once under os.TempDir()).
func BenchmarkCallLogPageSQLite(b *testing.B) {
	n := benchCallCount()
	path := filepath.Join(os.TempDir(), fmt.Sprintf("switchboard-bench-calllog-s%d-d%d-n%d.db", benchSchema, benchSeedVersion, n))
	if _, err := os.Stat(path); err != nil {
		b.Logf("seeding %d calls into %s (cached for later runs)", n, path)
		tmp := path + ".building"
		for _, suffix := range []string{"", "-wal", "-shm"} {
			_ = os.Remove(tmp + suffix)
		}
		st := openBenchSQLite(b, tmp)
		seedBench(b, st, n)
		if err := st.DB().Exec("PRAGMA wal_checkpoint(TRUNCATE)").Error; err != nil {
			b.Fatal(err)
		}
		_ = st.Close()
		if err := os.Rename(tmp, path); err != nil {
			b.Fatal(err)
		}
	}
	st := openBenchSQLite(b, path)
	defer st.Close()
	runCallLogBench(b, st, n)
}

// BenchmarkCallLogPageMySQL is the same on MySQL/MariaDB; the seeded
// database switchboard_test_bench_s<schema>_d<seed>_n<count> is kept for
// later runs.
func BenchmarkCallLogPageMySQL(b *testing.B) {
	dsn := os.Getenv(mysqlDSNEnv)
	if dsn == "" {
		b.Skipf("set %s to run the MySQL benchmark", mysqlDSNEnv)
	}
	n := benchCallCount()
	name := fmt.Sprintf("switchboard_test_bench_s%d_d%d_n%d", benchSchema, benchSeedVersion, n)
	st := openBenchMySQL(b, dsn, name)
	defer st.Close()
	var done int64
	st.DB().Raw("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = 'bench_seed_done'", name).Scan(&done)
	if done == 0 {
		b.Logf("seeding %d calls into MySQL database %s (kept for later runs)", n, name)
		for _, t := range []string{"call_log_entries", "call_legs", "trace_steps", "call_records"} {
			mustTB(b, st.DB().Exec("DELETE FROM "+t).Error)
		}
		seedBench(b, st, n)
		mustTB(b, st.DB().Exec("ANALYZE TABLE call_log_entries, call_records").Error)
		mustTB(b, st.DB().Exec("CREATE TABLE bench_seed_done (id int)").Error)
	}
	runCallLogBench(b, st, n)
}

func openBenchSQLite(b *testing.B, path string) *Store {
	st, err := Open(context.Background(), Options{Driver: DriverSQLite, DSN: path})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := st.Migrate(context.Background()); err != nil {
		b.Fatal(err)
	}
	return st
}

func openBenchMySQL(b *testing.B, dsn, name string) *Store {
	base, err := Open(context.Background(), Options{Driver: DriverMySQL, DSN: dsn})
	if err != nil {
		b.Fatal(err)
	}
	mustTB(b, base.DB().Exec("CREATE DATABASE IF NOT EXISTS `"+name+"` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci").Error)
	_ = base.Close()
	i := strings.LastIndex(dsn, "/")
	j := strings.Index(dsn[i:], "?")
	rest := ""
	if j >= 0 {
		rest = dsn[i+j:]
	}
	st, err := Open(context.Background(), Options{Driver: DriverMySQL, DSN: dsn[:i+1] + name + rest})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := st.Migrate(context.Background()); err != nil {
		b.Fatal(err)
	}
	return st
}

// must for benchmarks and tests alike.
func mustTB(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

// bulkInsert writes rows with multi-row INSERT statements.
func bulkInsert(tx *gorm.DB, table string, cols []string, rows [][]any) error {
	const perStmt = 400
	for len(rows) > 0 {
		k := min(perStmt, len(rows))
		var sb strings.Builder
		sb.WriteString("INSERT INTO " + table + " (" + strings.Join(cols, ",") + ") VALUES ")
		ph := "(" + strings.TrimSuffix(strings.Repeat("?,", len(cols)), ",") + ")"
		args := make([]any, 0, k*len(cols))
		for i := 0; i < k; i++ {
			if i > 0 {
				sb.WriteByte(',')
			}
			sb.WriteString(ph)
			args = append(args, rows[i]...)
		}
		if err := tx.Exec(sb.String(), args...).Error; err != nil {
			return err
		}
		rows = rows[k:]
	}
	return nil
}

// seedBench writes n calls: 40% internal (two parties), 30% inbound, 30%
// outbound, spread evenly over a year; 10% have a forward leg to a third
// extension; 70% answered.
func seedBench(b *testing.B, st *Store, n int) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, benchSeedVersion))
	span := int64(365 * 24 * time.Hour / time.Millisecond)
	const batch = 20_000
	began := time.Now()
	// Secondary indexes are built once after the load: far faster than
	// keeping them up to date row by row.
	type index struct {
		model any
		name  string
	}
	deferred := []index{{&CallRecord{}, "idx_call_records_uid"}, {&CallRecord{}, "idx_call_records_state"}}
	if st.Driver() == DriverSQLite { // MySQL keeps indexes its foreign keys need
		deferred = append(deferred, index{&CallLogEntry{}, "idx_call_log_entries_call_id"}, index{&CallLeg{}, "idx_call_legs_call_id"})
	}
	mig := st.DB().Migrator()
	for _, ix := range deferred {
		if mig.HasIndex(ix.model, ix.name) {
			mustTB(b, mig.DropIndex(ix.model, ix.name))
		}
	}
	for base := 0; base < n; base += batch {
		var recs, legs, parties [][]any
		for id := base + 1; id <= min(base+batch, n); id++ {
			at := benchStart.Add(time.Duration(int64(id-1)*span/int64(n)) * time.Millisecond)
			a, bb := rng.IntN(benchExtensions), rng.IntN(benchExtensions)
			peer := benchPeer(rng.IntN(benchPeerNumbers))
			var typ, from, to, fromExt, toExt string
			switch r := rng.IntN(10); {
			case r < 4:
				typ, from, to, fromExt, toExt = CallInternal, benchExt(a), benchExt(bb), benchExt(a), benchExt(bb)
			case r < 7:
				typ, from, to, toExt = CallInbound, peer, benchExt(a), benchExt(a)
			default:
				typ, from, to, fromExt = CallOutbound, benchExt(a), peer, benchExt(a)
			}
			var answered, ended any = nil, at.Add(30 * time.Second)
			disp, dur := DispNoAnswer, 0
			if rng.IntN(10) < 7 {
				ans := at.Add(5 * time.Second)
				dur = 1 + rng.IntN(900)
				answered, ended, disp = ans, ans.Add(time.Duration(dur)*time.Second), DispAnswered
			}
			recs = append(recs, []any{id, fmt.Sprintf("bench-%d", id), typ, from, "", to, at, answered, ended, dur, disp, CallClosed, ""})
			legs = append(legs, []any{id, 1, LegOriginal, from, to, fromExt, toExt, at, answered, ended, disp})
			seen := map[string]bool{}
			for _, e := range []string{fromExt, toExt} {
				if e != "" && !seen[e] {
					seen[e] = true
					parties = append(parties, []any{e, at, id, typ, from, "", to, answered, dur, disp})
				}
			}
			if rng.IntN(10) == 0 {
				fw := benchExt(rng.IntN(benchExtensions))
				legs = append(legs, []any{id, 2, LegForward, to, fw, toExt, fw, at.Add(20 * time.Second), nil, ended, DispNoAnswer})
				if !seen[fw] {
					parties = append(parties, []any{fw, at, id, typ, from, "", to, answered, dur, disp})
				}
			}
		}
		err := st.DB().WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			if st.Driver() == DriverSQLite {
				if err := tx.Exec("PRAGMA cache_size = -262144").Error; err != nil {
					return err
				}
			}
			return firstErr(
				bulkInsert(tx, "call_records", []string{"id", "uid", "type", "from_number", "from_name", "to_number", "started_at", "answered_at", "ended_at", "duration_sec", "disposition", "state", "recording_ref"}, recs),
				bulkInsert(tx, "call_legs", []string{"call_id", "seq", "kind", "from_number", "to_number", "from_extension", "to_extension", "started_at", "answered_at", "ended_at", "disposition"}, legs),
				bulkInsert(tx, "call_log_entries", []string{"extension", "started_at", "call_id", "type", "from_number", "from_name", "to_number", "answered_at", "duration_sec", "disposition"}, parties),
			)
		})
		mustTB(b, err)
	}
	b.Logf("loaded %d calls in %v; building indexes", n, time.Since(began).Round(time.Second))
	for _, ix := range deferred {
		mustTB(b, mig.CreateIndex(ix.model, ix.name))
	}
	if st.Driver() == DriverSQLite {
		mustTB(b, st.DB().Exec("ANALYZE").Error)
	}
	b.Logf("seeded %d calls in %v", n, time.Since(began).Round(time.Second))
}

// runCallLogBench times single-page queries and reports p50/p99.
func runCallLogBench(b *testing.B, st *Store, n int) {
	ctx := context.Background()
	types := []string{CallInternal, CallInbound, CallOutbound}
	cases := []struct {
		name string
		q    func(r *rand.Rand) CallLogQuery
	}{
		{"type+number+range", func(r *rand.Rand) CallLogQuery {
			from := benchStart.Add(time.Duration(r.IntN(270)) * 24 * time.Hour)
			peer := benchPeer(r.IntN(benchPeerNumbers))
			return CallLogQuery{Extension: benchExt(r.IntN(benchExtensions)), Type: types[r.IntN(3)],
				Number: peer[len(peer)-5:], From: from, To: from.Add(90 * 24 * time.Hour)}
		}},
		{"type+range", func(r *rand.Rand) CallLogQuery {
			from := benchStart.Add(time.Duration(r.IntN(270)) * 24 * time.Hour)
			return CallLogQuery{Extension: benchExt(r.IntN(benchExtensions)), Type: types[r.IntN(3)], From: from, To: from.Add(90 * 24 * time.Hour)}
		}},
		{"type+range+total", func(r *rand.Rand) CallLogQuery {
			from := benchStart.Add(time.Duration(r.IntN(270)) * 24 * time.Hour)
			return CallLogQuery{Extension: benchExt(r.IntN(benchExtensions)), Type: types[r.IntN(3)], From: from, To: from.Add(90 * 24 * time.Hour), WithTotal: true}
		}},
		{"all-page5", func(r *rand.Rand) CallLogQuery {
			return CallLogQuery{Extension: benchExt(r.IntN(benchExtensions)), Page: 5}
		}},
		{"type+range-by-duration", func(r *rand.Rand) CallLogQuery {
			from := benchStart.Add(time.Duration(r.IntN(270)) * 24 * time.Hour)
			return CallLogQuery{Extension: benchExt(r.IntN(benchExtensions)), Type: types[r.IntN(3)], From: from, To: from.Add(90 * 24 * time.Hour), Sort: "duration"}
		}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			r := rand.New(rand.NewPCG(7, 7))
			lat := make([]time.Duration, 0, b.N)
			rows := 0
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				q := c.q(r)
				t := time.Now()
				page, err := st.Calls.Log(ctx, q)
				lat = append(lat, time.Since(t))
				if err != nil {
					b.Fatal(err)
				}
				rows += len(page.Calls)
			}
			b.StopTimer()
			pct := func(d []time.Duration, p float64) float64 {
				slices.Sort(d)
				return float64(d[min(len(d)-1, int(float64(len(d))*p))]) / float64(time.Millisecond)
			}
			b.ReportMetric(pct(lat, 0.50), "p50-ms")
			b.ReportMetric(pct(lat, 0.99), "p99-ms")
			b.ReportMetric(float64(rows)/float64(b.N), "rows/op")
			b.ReportMetric(float64(n), "calls")
		})
	}
}
