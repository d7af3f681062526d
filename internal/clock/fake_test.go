package clock

import (
	"context"
	"testing"
	"time"
)

func TestFakeFiresTimersInDeadlineOrderWithTheirOwnTime(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f := NewFake(start)
	late := f.NewTimer(30 * time.Second)
	early := f.NewTimer(10 * time.Second)
	fired := make(chan time.Time, 1)
	f.AfterFunc(20*time.Second, func() { fired <- f.Now() })

	f.Advance(9 * time.Second)
	select {
	case <-early.C():
		t.Fatal("timer fired before its deadline")
	default:
	}
	f.Advance(25 * time.Second)
	if got := <-early.C(); !got.Equal(start.Add(10 * time.Second)) {
		t.Fatalf("early fired at %v", got)
	}
	if got := <-late.C(); !got.Equal(start.Add(30 * time.Second)) {
		t.Fatalf("late fired at %v", got)
	}
	<-fired
	if !f.Now().Equal(start.Add(34 * time.Second)) {
		t.Fatalf("now = %v", f.Now())
	}
}

func TestFakeStoppedTimerNeverFiresAndResetRearms(t *testing.T) {
	f := NewFake(time.Unix(0, 0))
	tm := f.NewTimer(time.Second)
	if !tm.Stop() {
		t.Fatal("Stop of an active timer reported false")
	}
	f.Advance(2 * time.Second)
	select {
	case <-tm.C():
		t.Fatal("stopped timer fired")
	default:
	}
	if tm.Reset(time.Second) {
		t.Fatal("Reset of a stopped timer reported it active")
	}
	if f.Pending() != 1 {
		t.Fatalf("pending = %d", f.Pending())
	}
	f.Advance(time.Second)
	<-tm.C()
}

func TestFakeSleepAndBlockUntil(t *testing.T) {
	f := NewFake(time.Unix(0, 0))
	done := make(chan error)
	go func() { done <- f.Sleep(context.Background(), time.Minute) }()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := f.BlockUntil(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if err := f.Run(ctx, time.Minute, 10*time.Second, 0); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
