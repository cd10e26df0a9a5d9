package notify

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// URLError is a webhook address Waypost refuses, with a stable code for
// API answers and the delivery log.
type URLError struct {
	Code string // webhook_url_invalid, webhook_url_scheme, webhook_address_blocked, webhook_redirect_loop, webhook_too_many_redirects
	Msg  string
}

func (e *URLError) Error() string { return e.Code + ": " + e.Msg }

// ErrorCode returns the stable code.
func (e *URLError) ErrorCode() string { return e.Code }

// MaxRedirects is how many redirects a webhook delivery follows.
const MaxRedirects = 3

// Guard keeps webhook deliveries off the server's own networks: only
// http(s) URLs, and no connection to loopback, private, link-local,
// multicast or unspecified addresses unless an allowed prefix holds them.
// The address is checked when the connection is made, on the address
// actually dialled, so a name that resolves to a public address when saved
// and a private one later (DNS rebinding) is still refused.
type Guard struct {
	allow []netip.Prefix
}

// NewGuard returns a guard that lets through the given CIDR prefixes
// (e.g. "127.0.0.1/32", "10.0.0.0/8").
func NewGuard(allow []string) (*Guard, error) {
	g := &Guard{}
	for _, a := range allow {
		a = strings.TrimSpace(a)
		if a == "" {
			continue
		}
		p, err := netip.ParsePrefix(a)
		if err != nil {
			ip, err2 := netip.ParseAddr(a)
			if err2 != nil {
				return nil, fmt.Errorf("notify: webhook allow-list: %q is not a CIDR prefix: %w", a, err)
			}
			p = netip.PrefixFrom(ip, ip.BitLen())
		}
		g.allow = append(g.allow, p.Masked())
	}
	return g, nil
}

// blockedPrefixes are ranges not covered by netip.Addr's predicates:
// shared address space (RFC 6598), "this network" (RFC 791) and the IPv4
// broadcast address.
var blockedPrefixes = []netip.Prefix{
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("255.255.255.255/32"),
	netip.MustParsePrefix("64:ff9b:1::/48"), // local-use IPv4/IPv6 translation (RFC 8215)
}

// CheckAddr returns a URLError when ip may not be dialled.
func (g *Guard) CheckAddr(ip netip.Addr) error {
	ip = ip.Unmap()
	for _, p := range g.allow {
		if p.Contains(ip) {
			return nil
		}
	}
	var kind string
	switch {
	case ip.IsLoopback():
		kind = "loopback"
	case ip.IsPrivate():
		kind = "private"
	case ip.IsLinkLocalUnicast(), ip.IsLinkLocalMulticast():
		kind = "link-local"
	case ip.IsMulticast(), ip.IsInterfaceLocalMulticast():
		kind = "multicast"
	case ip.IsUnspecified():
		kind = "unspecified"
	}
	for _, p := range blockedPrefixes {
		if kind == "" && p.Contains(ip) {
			kind = "reserved"
		}
	}
	if kind == "" {
		return nil
	}
	return &URLError{Code: "webhook_address_blocked", Msg: fmt.Sprintf("%s is a %s address", ip, kind)}
}

// CheckURL checks what can be checked without connecting: syntax, scheme,
// a host, no credentials, and a literal IP address against the ranges.
func (g *Guard) CheckURL(raw string) error {
	if len(raw) > 2048 {
		return &URLError{Code: "webhook_url_invalid", Msg: "URL longer than 2048 bytes"}
	}
	u, err := url.Parse(raw)
	if err != nil {
		return &URLError{Code: "webhook_url_invalid", Msg: "not a URL"}
	}
	return g.checkParsed(u)
}

func (g *Guard) checkParsed(u *url.URL) error {
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
	case "":
		return &URLError{Code: "webhook_url_scheme", Msg: "the URL must start with https:// or http://"}
	default:
		return &URLError{Code: "webhook_url_scheme", Msg: fmt.Sprintf("scheme %q: only http and https are allowed", u.Scheme)}
	}
	if u.User != nil {
		return &URLError{Code: "webhook_url_invalid", Msg: "credentials in the URL are not allowed; the signature authenticates deliveries"}
	}
	host := u.Hostname()
	if host == "" {
		return &URLError{Code: "webhook_url_invalid", Msg: "the URL has no host"}
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		return g.CheckAddr(ip)
	}
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return g.CheckAddr(netip.MustParseAddr("127.0.0.1"))
	}
	return nil
}

// control runs after name resolution, before connecting: address is the
// IP actually dialled.
func (g *Guard) control(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return &URLError{Code: "webhook_address_blocked", Msg: fmt.Sprintf("cannot check address %q", address)}
	}
	return g.CheckAddr(ap.Addr())
}

// Client returns an HTTP client for webhook deliveries: guarded dialling,
// no proxy from the environment (the proxy's address would be checked
// instead of the endpoint's), at most MaxRedirects redirects, each
// checked, and no redirect loops.
func (g *Guard) Client(timeout time.Duration, maxConnsPerHost int) *http.Client {
	d := &net.Dialer{Timeout: min(timeout, 10*time.Second), KeepAlive: 30 * time.Second, Control: g.control}
	tr := &http.Transport{
		Proxy:                 nil,
		DialContext:           d.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          1000,
		MaxIdleConnsPerHost:   max(2, maxConnsPerHost),
		MaxConnsPerHost:       maxConnsPerHost,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: timeout,
	}
	return &http.Client{
		Transport: tr,
		Timeout:   timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			for _, v := range via {
				if v.URL.String() == req.URL.String() {
					return &URLError{Code: "webhook_redirect_loop", Msg: "redirected back to " + req.URL.Redacted()}
				}
			}
			if len(via) > MaxRedirects {
				return &URLError{Code: "webhook_too_many_redirects", Msg: fmt.Sprintf("more than %d redirects", MaxRedirects)}
			}
			return g.checkParsed(req.URL)
		},
	}
}

// urlErrorOf returns the URLError in err's chain, if any.
func urlErrorOf(err error) (*URLError, bool) {
	var ue *URLError
	ok := errors.As(err, &ue)
	return ue, ok
}
