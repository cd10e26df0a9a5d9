package status

// An Aho–Corasick automaton compiled to a dense DFA over byte classes. Bytes
// that occur in no pattern share class 0, so the table stays small (a few
// thousand states by ~120 classes) while each input byte costs one table
// lookup and no allocation.

type matcher struct {
	class  [256]uint8
	nclass int
	next   []uint16 // state*nclass + class -> state, for states < ndense
	ndense int
	// Deeper states, visited only while a phrase is actually matching, keep
	// their few explicit children and a failure link instead of a full row;
	// that keeps the hot part of the table small enough for the CPU cache.
	fail     []uint16
	spStart  []int32
	spLen    []uint8
	spCls    []uint8
	spTo     []uint16
	outStart []int32 // per state: range in out
	outLen   []uint16
	out      []int32 // pattern ids
	// Patterns from firstWeak on are weak (stop words): capped so they
	// cannot crowd out phrases.
	firstWeak int32
}

// buildMatcher compiles patterns; those from firstWeak on are weak.
//
// Word boundaries are part of the patterns: one that must start a word is
// given a leading space, one that must end a word a trailing space, and
// scan reads a space before and after the text. Short words such as "no"
// or "in" occurring inside longer words then produce no output at all.
func buildMatcher(patterns []string, firstWeak int) *matcher {
	m := &matcher{firstWeak: int32(firstWeak)}
	// Byte classes.
	var used [256]bool
	for _, p := range patterns {
		for i := 0; i < len(p); i++ {
			used[p[i]] = true
		}
	}
	m.nclass = 1
	for b := 0; b < 256; b++ {
		if used[b] {
			m.class[b] = uint8(m.nclass)
			m.nclass++
		}
	}
	if m.nclass > 256 {
		panic("status: too many byte classes")
	}
	// Trie with sparse children, then densify.
	type node struct {
		child map[uint8]int
		fail  int
		outs  []int32
	}
	nodes := []node{{child: map[uint8]int{}}}
	for id, p := range patterns {
		s := 0
		for i := 0; i < len(p); i++ {
			c := m.class[p[i]]
			nx, ok := nodes[s].child[c]
			if !ok {
				nodes = append(nodes, node{child: map[uint8]int{}})
				nx = len(nodes) - 1
				nodes[s].child[c] = nx
			}
			s = nx
		}
		nodes[s].outs = append(nodes[s].outs, int32(id))
	}
	if len(nodes) > 65535 {
		panic("status: phrase tables too large for the matcher")
	}
	// Renumber states breadth-first: shallow states, which nearly every
	// input byte visits, then share a few cache-resident rows of the table.
	order := make([]int, 0, len(nodes))
	order = append(order, 0)
	for qi := 0; qi < len(order); qi++ {
		ch := nodes[order[qi]].child
		for c := 0; c < m.nclass; c++ {
			if nx, ok := ch[uint8(c)]; ok {
				order = append(order, nx)
			}
		}
	}
	renum := make([]int, len(nodes))
	for i, old := range order {
		renum[old] = i
	}
	bfs := make([]node, len(nodes))
	for old := range nodes {
		n := nodes[old]
		for c, nx := range n.child {
			n.child[c] = renum[nx]
		}
		bfs[renum[old]] = n
	}
	nodes = bfs
	nc := m.nclass
	m.next = make([]uint16, len(nodes)*nc)
	// BFS computing fail links and dense transitions.
	queue := make([]int, 0, len(nodes))
	for c := 0; c < nc; c++ {
		if nx, ok := nodes[0].child[uint8(c)]; ok {
			m.next[c] = uint16(nx)
			nodes[nx].fail = 0
			queue = append(queue, nx)
		}
	}
	for qi := 0; qi < len(queue); qi++ {
		s := queue[qi]
		f := nodes[s].fail
		nodes[s].outs = append(nodes[s].outs, nodes[f].outs...)
		for c := 0; c < nc; c++ {
			if nx, ok := nodes[s].child[uint8(c)]; ok {
				nodes[nx].fail = int(m.next[f*nc+c])
				m.next[s*nc+c] = uint16(nx)
				queue = append(queue, nx)
			} else {
				m.next[s*nc+c] = m.next[f*nc+c]
			}
		}
	}
	m.ndense = min(len(nodes), denseStates)
	m.fail = make([]uint16, len(nodes))
	m.spStart = make([]int32, len(nodes))
	m.spLen = make([]uint8, len(nodes))
	for s := m.ndense; s < len(nodes); s++ {
		m.fail[s] = uint16(nodes[s].fail)
		m.spStart[s] = int32(len(m.spCls))
		for c := 0; c < nc; c++ {
			if nx, ok := nodes[s].child[uint8(c)]; ok {
				m.spCls = append(m.spCls, uint8(c))
				m.spTo = append(m.spTo, uint16(nx))
				m.spLen[s]++
			}
		}
	}
	m.next = m.next[: m.ndense*nc : m.ndense*nc]
	m.outStart = make([]int32, len(nodes))
	m.outLen = make([]uint16, len(nodes))
	for s := range nodes {
		m.outStart[s] = int32(len(m.out))
		m.outLen[s] = uint16(len(nodes[s].outs))
		m.out = append(m.out, nodes[s].outs...)
	}
	return m
}

// hit is one pattern occurrence ending at byte end (exclusive), counting
// the space scan reads before the text as byte -1 and the one after it as
// byte len(text).
type hit struct {
	pat int32
	end int32
}

// denseStates is how many breadth-first states get a full transition row.
const denseStates = 1024

const (
	maxHits     = 64
	maxWeakHits = 16
)

// scan runs the automaton over a space, text and a space, and records up
// to maxHits occurrences, at most maxWeakHits of them weak (stop words).
func (m *matcher) scan(text []byte, hits *[maxHits]hit) int {
	n, weak := 0, 0
	// Locals, so the loop does not reload the fields after each store to hits.
	nc, ndense, next, class, outLen, firstWeak := m.nclass, m.ndense, m.next, &m.class, m.outLen, m.firstWeak
	space := class[' ']
	s := int(next[space]) // the root is always dense
	for i := 0; i <= len(text); i++ {
		c := space
		if i < len(text) {
			c = class[text[i]]
		}
	step:
		for {
			if s < ndense {
				s = int(next[s*nc+int(c)])
				break
			}
			st := m.spStart[s]
			for j := st; j < st+int32(m.spLen[s]); j++ {
				if m.spCls[j] == c {
					s = int(m.spTo[j])
					break step
				}
			}
			s = int(m.fail[s])
		}
		if k := outLen[s]; k != 0 {
			st := m.outStart[s]
			for j := int32(0); j < int32(k); j++ {
				if n == maxHits {
					return n
				}
				id := m.out[st+j]
				if id >= firstWeak {
					if weak == maxWeakHits {
						continue
					}
					weak++
				}
				hits[n] = hit{pat: id, end: int32(i + 1)}
				n++
			}
		}
	}
	return n
}
