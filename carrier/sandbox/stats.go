package sandbox

import "sync/atomic"

// Stats counts what one carrier host saw and did.
type Stats struct {
	Requests     int64 // every HTTP request
	Track        int64 // tracking calls
	Token        int64 // token calls
	Numbers      int64 // tracking numbers asked about
	Found        int64 // numbers answered with events
	NotFound     int64 // numbers answered as unknown
	RateLimited  int64 // 429 answers
	ServerErrors int64 // injected 5xx answers (down windows included)
	Unauthorized int64 // 401 answers
	Slow         int64 // delayed answers
	Truncated    int64 // truncated answers
	Broken       int64 // HTML error pages
	Dropped      int64 // connections closed without an answer
}

type counters struct {
	requests, track, token, numbers, found, notFound, rateLimited, serverErrors,
	unauthorized, slow, truncated, broken, dropped atomic.Int64
}

func (c *counters) snapshot() Stats {
	return Stats{
		Requests: c.requests.Load(), Track: c.track.Load(), Token: c.token.Load(),
		Numbers: c.numbers.Load(), Found: c.found.Load(), NotFound: c.notFound.Load(),
		RateLimited: c.rateLimited.Load(), ServerErrors: c.serverErrors.Load(),
		Unauthorized: c.unauthorized.Load(), Slow: c.slow.Load(), Truncated: c.truncated.Load(),
		Broken: c.broken.Load(), Dropped: c.dropped.Load(),
	}
}
