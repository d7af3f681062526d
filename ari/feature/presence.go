package feature

import "sync"

// Presence counts, per extension, the calls it is talking in; with no call
// waiting, an extension in a call is busy (SYS-ROUTE step 4).
type Presence struct {
	mu      sync.Mutex
	talking map[string]int
	notify  func(ext string, busy bool)
}

// NewPresence returns an empty tracker; notify (optional) hears every change
// between idle and busy, for live extension status.
func NewPresence(notify func(ext string, busy bool)) *Presence {
	return &Presence{talking: map[string]int{}, notify: notify}
}

// Busy reports whether ext is in a call.
func (p *Presence) Busy(ext string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.talking[ext] > 0
}

// Enter marks ext as in one more call; the returned func leaves it (call it
// exactly once).
func (p *Presence) Enter(ext string) (leave func()) {
	p.mu.Lock()
	p.talking[ext]++
	first := p.talking[ext] == 1
	p.mu.Unlock()
	if first && p.notify != nil {
		p.notify(ext, true)
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			p.mu.Lock()
			p.talking[ext]--
			last := p.talking[ext] <= 0
			if last {
				delete(p.talking, ext)
			}
			p.mu.Unlock()
			if last && p.notify != nil {
				p.notify(ext, false)
			}
		})
	}
}
