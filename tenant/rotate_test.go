package tenant

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a time source the test moves by hand. Each timer a call
// sets is announced on waiting, so a test knows a call is holding.
type fakeClock struct {
	mu      sync.Mutex
	now     time.Time
	timers  []fakeTimer
	waiting chan time.Duration
}

type fakeTimer struct {
	at time.Time
	ch chan time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC), waiting: make(chan time.Duration, 64)}
}

func (f *fakeClock) clock() clock { return clock{now: f.Now, after: f.After} }

func (f *fakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fakeClock) After(d time.Duration) <-chan time.Time {
	f.mu.Lock()
	ch := make(chan time.Time, 1)
	f.timers = append(f.timers, fakeTimer{at: f.now.Add(d), ch: ch})
	f.mu.Unlock()
	f.waiting <- d
	return ch
}

// advance moves the time on and fires the timers that are due.
func (f *fakeClock) advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
	kept := f.timers[:0]
	for _, tm := range f.timers {
		if tm.at.After(f.now) {
			kept = append(kept, tm)
			continue
		}
		tm.ch <- f.now
	}
	f.timers = kept
}

// held waits until a call starts holding for new credentials, and returns
// how long it would hold.
func (f *fakeClock) held(t *testing.T, answers <-chan answer) time.Duration {
	t.Helper()
	select {
	case d := <-f.waiting:
		return d
	case a := <-answers:
		t.Fatalf("the refused call ended (error %v: %s) instead of waiting for a reload", a.isErr, a.text)
	case <-time.After(20 * time.Second):
		t.Fatal("the refused call neither waited nor ended")
	}
	return 0
}

// noHold checks that no call waited for new credentials.
func (f *fakeClock) noHold(t *testing.T) {
	t.Helper()
	select {
	case d := <-f.waiting:
		t.Errorf("a call waited %s for new credentials", d)
	default:
	}
}

type answer struct {
	text  string
	isErr bool
}

// background runs a tool in its own goroutine.
func (s *simHarness) background(name string, args map[string]any) <-chan answer {
	out := make(chan answer, 1)
	go func() {
		text, isErr := s.call(name, args)
		out <- answer{text, isErr}
	}()
	return out
}

func wait(t *testing.T, answers <-chan answer) answer {
	t.Helper()
	select {
	case a := <-answers:
		return a
	case <-time.After(20 * time.Second):
		t.Fatal("the call did not end")
	}
	return answer{}
}

// withPassword is the tenant's settings with the admin's credential
// changed to word (see setCredentials).
func (s *simHarness) withPassword(word string) Config {
	cfg := s.tn.Config()
	setCredentials(&cfg, cfg.Username, word)
	return cfg
}

func (s *simHarness) partnersNamed(name string) float64 {
	s.t.Helper()
	res := s.ok("count_records", map[string]any{"model": "res.partner", "domain": []any{[]any{"name", "=", name}}})
	n, _ := res["count"].(float64)
	return n
}

var partners = map[string]any{"model": "res.partner"}

const refusedLogin = "Odoo refused this tenant's login (AccessDenied)"

// TestRotationOdooFirst: the password changes in Odoo, then in the
// tenant's settings. A write Odoo refuses in between waits for the new
// settings and runs once with them.
func TestRotationOdooFirst(t *testing.T) {
	fc := newFakeClock()
	s := newSimHarness(t, nil, withClock(fc.clock()))
	s.ok("count_records", partners)

	s.setOdooSecret("Odoo-first-2")
	answers := s.background("create_record", map[string]any{"model": "res.partner", "values": map[string]any{"name": "Rotated Odoo First"}})
	if d := fc.held(t, answers); d != rotationHold {
		t.Errorf("the refused call would wait %s, want %s", d, rotationHold)
	}
	if err := s.tn.Update(s.withPassword("Odoo-first-2")); err != nil {
		t.Fatal(err)
	}
	if a := wait(t, answers); a.isErr {
		t.Fatalf("create_record across the rotation = error %q", a.text)
	}
	if n := s.partnersNamed("Rotated Odoo First"); n != 1 {
		t.Errorf("%v partners created by the retried write, want 1", n)
	}
	fc.noHold(t)
	noSecretLogged(t, s, "Odoo-first-2")
}

// noSecretLogged checks the tenant's log for the passwords.
func noSecretLogged(t *testing.T, s *simHarness, secrets ...string) {
	t.Helper()
	logs := s.logs.String()
	for _, word := range secrets {
		for _, pw := range secretForms(word) {
			if strings.Contains(logs, pw) {
				t.Errorf("a credential is in the tenant's log:\n%s", logs)
			}
		}
	}
}

// TestRotationOdooFirstWithoutReload: when no reload brings new
// credentials, the refused call fails once the hold is over, and calls
// refused after the hold fail at once.
func TestRotationOdooFirstWithoutReload(t *testing.T) {
	fc := newFakeClock()
	s := newSimHarness(t, nil, withClock(fc.clock()))
	s.ok("count_records", partners)

	s.setOdooSecret("Odoo-only-2")
	answers := s.background("count_records", partners)
	fc.held(t, answers)
	fc.advance(rotationHold)
	if a := wait(t, answers); !a.isErr || !strings.Contains(a.text, refusedLogin) {
		t.Errorf("count_records after the hold = %v %q, want the refused login", a.isErr, a.text)
	}
	s.fails("count_records", partners, refusedLogin)
	fc.noHold(t)

	// Once Odoo accepts them again, a later refusal holds again.
	s.setOdooSecret("admin")
	s.ok("count_records", partners)
	s.setOdooSecret("Odoo-only-3")
	answers = s.background("count_records", partners)
	fc.held(t, answers)
	if err := s.tn.Update(s.withPassword("Odoo-only-3")); err != nil {
		t.Fatal(err)
	}
	if a := wait(t, answers); a.isErr {
		t.Errorf("count_records across the second rotation = error %q", a.text)
	}
}

// TestRotationFileFirst: the tenant's settings change first. Calls go on
// with the previous password until Odoo takes the new one, then use the
// new one only: with Odoo back on the old password they fail.
func TestRotationFileFirst(t *testing.T) {
	fc := newFakeClock()
	s := newSimHarness(t, nil, withClock(fc.clock()))
	s.ok("count_records", partners)

	if err := s.tn.Update(s.withPassword("File-first-2")); err != nil {
		t.Fatal(err)
	}
	s.ok("count_records", partners)
	s.ok("create_record", map[string]any{"model": "res.partner", "values": map[string]any{"name": "Rotated File First"}})
	// A check says whether the configured credentials work, whatever
	// the calls fall back on.
	if res, _ := s.tn.Check(context.Background()); res.OK {
		t.Errorf("Check with Odoo still on the old password = %+v, want refused", res)
	}

	s.setOdooSecret("File-first-2")
	s.ok("count_records", partners)
	if n := s.partnersNamed("Rotated File First"); n != 1 {
		t.Errorf("%v partners created, want 1", n)
	}
	if res, _ := s.tn.Check(context.Background()); !res.OK {
		t.Errorf("Check after Odoo took the new password = %+v", res)
	}
	fc.noHold(t)
	if n := strings.Count(s.logs.String(), "odoo accepted the new credentials"); n != 1 {
		t.Errorf("the switch to the new credentials was logged %d times, want once", n)
	}
	noSecretLogged(t, s, "File-first-2")

	// No fallback once the new credentials succeeded.
	s.setOdooSecret("admin")
	answers := s.background("count_records", partners)
	fc.held(t, answers) // credentials that worked are refused: a reload may come
	fc.advance(rotationHold)
	if a := wait(t, answers); !a.isErr {
		t.Errorf("count_records fell back on the previous password after the new one worked: %s", a.text)
	}
}

// TestRotationFileFirstGraceOver: the previous password is not used after
// the grace period, even though Odoo still takes it.
func TestRotationFileFirstGraceOver(t *testing.T) {
	fc := newFakeClock()
	s := newSimHarness(t, nil, withClock(fc.clock()))
	s.ok("count_records", partners)
	if err := s.tn.Update(s.withPassword("Grace-2")); err != nil {
		t.Fatal(err)
	}
	s.ok("count_records", partners)
	fc.advance(rotationGrace - time.Second)
	s.ok("count_records", partners)
	fc.advance(time.Second)
	// The new password never worked: no hold either.
	s.fails("count_records", partners, refusedLogin)
	fc.noHold(t)
	s.setOdooSecret("Grace-2")
	s.ok("count_records", partners)
}

// TestRotationTwoReloadsBeforeOdoo: two password changes in the file
// before Odoo takes either: the fallback stays on the password Odoo knows.
func TestRotationTwoReloadsBeforeOdoo(t *testing.T) {
	fc := newFakeClock()
	s := newSimHarness(t, nil, withClock(fc.clock()))
	s.ok("count_records", partners)
	for _, pw := range []string{"Twice-2", "Twice-3"} {
		if err := s.tn.Update(s.withPassword(pw)); err != nil {
			t.Fatal(err)
		}
		s.ok("count_records", partners)
	}
	// A change of another setting keeps the rotation going.
	cfg := s.tn.Config()
	cfg.MaxRecords = 17
	if err := s.tn.Update(cfg); err != nil {
		t.Fatal(err)
	}
	s.ok("count_records", partners)
	s.setOdooSecret("Twice-3")
	s.ok("count_records", partners)
	fc.noHold(t)
}

// TestRotationOtherUser: changing the user (or Odoo, or database) is not a
// rotation: the previous login is never used for the new settings.
func TestRotationOtherUser(t *testing.T) {
	fc := newFakeClock()
	s := newSimHarness(t, nil, withClock(fc.clock()))
	s.ok("count_records", partners)
	cfg := s.tn.Config()
	setCredentials(&cfg, "demo", "not-demo's")
	if err := s.tn.Update(cfg); err != nil {
		t.Fatal(err)
	}
	s.fails("count_records", partners, refusedLogin)
	fc.noHold(t)
}

// TestRotationCloseEndsHold: Close does not wait out a call holding for
// new credentials.
func TestRotationCloseEndsHold(t *testing.T) {
	fc := newFakeClock()
	s := newSimHarness(t, nil, withClock(fc.clock()))
	s.ok("count_records", partners)
	s.setOdooSecret("Closing-2")
	answers := s.background("count_records", partners)
	fc.held(t, answers)
	closed := make(chan struct{})
	go func() {
		_ = s.tn.Close()
		close(closed)
	}()
	if a := wait(t, answers); !a.isErr {
		t.Errorf("count_records on a closing tenant = %s", a.text)
	}
	select {
	case <-closed:
	case <-time.After(20 * time.Second):
		t.Fatal("Close did not return")
	}
}
