package okpay

import (
	"net/http"
	"net/netip"
	"strings"
)

// okNetworks are the networks OK.ru calls payment callbacks from, as OK
// publishes them.
var okNetworks = []netip.Prefix{
	netip.MustParsePrefix("217.20.145.192/28"),
	netip.MustParsePrefix("217.20.151.160/28"),
	netip.MustParsePrefix("217.20.153.48/28"),
}

// OKNetworks returns the networks OK.ru calls payment callbacks from:
// 217.20.145.192/28, 217.20.151.160/28 and 217.20.153.48/28. It is the
// default of [Config.Networks].
func OKNetworks() []netip.Prefix { return append([]netip.Prefix(nil), okNetworks...) }

// clientIP is the address the callback came from: the connection's peer,
// or, when header names a trusted proxy's header, the address that proxy
// wrote there (the last one of X-Forwarded-For, which the nearest proxy
// appends). It reports false when there is no readable address.
func clientIP(r *http.Request, header string) (netip.Addr, bool) {
	if header == "" {
		ap, err := netip.ParseAddrPort(r.RemoteAddr)
		if err != nil {
			return netip.Addr{}, false
		}
		return ap.Addr().Unmap(), true
	}
	values := r.Header.Values(header)
	if len(values) == 0 {
		return netip.Addr{}, false
	}
	last := values[len(values)-1]
	if i := strings.LastIndexByte(last, ','); i >= 0 {
		last = last[i+1:]
	}
	a, err := netip.ParseAddr(strings.TrimSpace(last))
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}

// allowed reports whether a is in one of networks.
func allowed(a netip.Addr, networks []netip.Prefix) bool {
	for _, n := range networks {
		if n.Contains(a) {
			return true
		}
	}
	return false
}
