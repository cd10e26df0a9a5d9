package sandbox

import (
	"fmt"
	"sync"
	"time"
)

// Place is where a step happens. Zone is an IANA zone name; the step's
// local time is its instant in that zone.
type Place struct {
	Facility   string // e.g. "Shenzhen International Mail Processing Centre"
	City       string
	State      string // state, province or region code where carriers use one
	PostalCode string
	Country    string // ISO 3166-1 alpha-2
	Zone       string // IANA zone
	IATA       string // airport or hub code, for carriers that name places by it
}

// Location returns the place's time zone.
func (p Place) Location() *time.Location {
	if loc := zones()[p.Zone]; loc != nil {
		return loc
	}
	return time.UTC
}

// Local returns t as wall clock at the place.
func (p Place) Local(t time.Time) time.Time { return t.In(p.Location()) }

// Origins are the Chinese cities parcels leave from. Facility names are
// modelled on the public names of the international mail centres and
// express hubs of each city; postal codes are the cities' main ones.
var origins = []Place{
	{Facility: "Shenzhen International Mail Processing Centre", City: "Shenzhen", State: "GD", PostalCode: "518000", Country: "CN", Zone: "Asia/Shanghai", IATA: "SZX"},
	{Facility: "Guangzhou International Mail Processing Centre", City: "Guangzhou", State: "GD", PostalCode: "510000", Country: "CN", Zone: "Asia/Shanghai", IATA: "CAN"},
	{Facility: "Shanghai International Mail Processing Centre", City: "Shanghai", State: "SH", PostalCode: "200000", Country: "CN", Zone: "Asia/Shanghai", IATA: "PVG"},
}

// destination is a country's inbound gateway and the towns parcels are
// delivered to.
type destination struct {
	gateway  Place
	sorting  []Place // regional sorting centres
	delivery []Place // delivery offices, one per town
}

// destinations by ISO country code. Zones follow the IANA database; for the
// US, Canada and Australia each town carries its own zone, so one journey
// can cross several.
var destinations = map[string]destination{
	"US": {
		gateway: Place{Facility: "ISC Los Angeles", City: "Los Angeles", State: "CA", PostalCode: "90009", Country: "US", Zone: "America/Los_Angeles", IATA: "LAX"},
		sorting: []Place{
			{Facility: "Regional Distribution Center", City: "Denver", State: "CO", PostalCode: "80266", Country: "US", Zone: "America/Denver", IATA: "DEN"},
			{Facility: "Network Distribution Center", City: "Chicago", State: "IL", PostalCode: "60666", Country: "US", Zone: "America/Chicago", IATA: "ORD"},
			{Facility: "Regional Distribution Center", City: "Kearny", State: "NJ", PostalCode: "07032", Country: "US", Zone: "America/New_York", IATA: "EWR"},
		},
		delivery: []Place{
			{City: "Brooklyn", State: "NY", PostalCode: "11201", Country: "US", Zone: "America/New_York"},
			{City: "Austin", State: "TX", PostalCode: "78701", Country: "US", Zone: "America/Chicago"},
			{City: "Boulder", State: "CO", PostalCode: "80302", Country: "US", Zone: "America/Denver"},
			{City: "Seattle", State: "WA", PostalCode: "98101", Country: "US", Zone: "America/Los_Angeles"},
			{City: "Columbus", State: "OH", PostalCode: "43215", Country: "US", Zone: "America/New_York"},
		},
	},
	"GB": {
		gateway: Place{Facility: "Heathrow Worldwide Distribution Centre", City: "Hounslow", PostalCode: "TW6 3RR", Country: "GB", Zone: "Europe/London", IATA: "LHR"},
		sorting: []Place{
			{Facility: "Midlands Super Hub", City: "Daventry", PostalCode: "NN11 8SR", Country: "GB", Zone: "Europe/London"},
			{Facility: "North West Parcel Hub", City: "Warrington", PostalCode: "WA5 7ZZ", Country: "GB", Zone: "Europe/London"},
		},
		delivery: []Place{
			{City: "Manchester", PostalCode: "M1 1AA", Country: "GB", Zone: "Europe/London"},
			{City: "Leeds", PostalCode: "LS1 4DY", Country: "GB", Zone: "Europe/London"},
			{City: "Bristol", PostalCode: "BS1 4ST", Country: "GB", Zone: "Europe/London"},
		},
	},
	"CA": {
		gateway: Place{Facility: "Pacific Processing Centre", City: "Richmond", State: "BC", PostalCode: "V7B 1A1", Country: "CA", Zone: "America/Vancouver", IATA: "YVR"},
		sorting: []Place{
			{Facility: "Gateway Processing Centre", City: "Mississauga", State: "ON", PostalCode: "L5T 2T2", Country: "CA", Zone: "America/Toronto", IATA: "YYZ"},
			{Facility: "Calgary Processing Centre", City: "Calgary", State: "AB", PostalCode: "T2E 8S1", Country: "CA", Zone: "America/Edmonton", IATA: "YYC"},
		},
		delivery: []Place{
			{City: "Toronto", State: "ON", PostalCode: "M5V 2T6", Country: "CA", Zone: "America/Toronto"},
			{City: "Calgary", State: "AB", PostalCode: "T2P 1J9", Country: "CA", Zone: "America/Edmonton"},
			{City: "Montreal", State: "QC", PostalCode: "H2X 1Y4", Country: "CA", Zone: "America/Toronto"},
		},
	},
	"FR": {
		gateway: Place{Facility: "Plateforme Courrier International Roissy", City: "Roissy-en-France", PostalCode: "95700", Country: "FR", Zone: "Europe/Paris", IATA: "CDG"},
		sorting: []Place{
			{Facility: "Plateforme Colis", City: "Chilly-Mazarin", PostalCode: "91380", Country: "FR", Zone: "Europe/Paris"},
			{Facility: "Plateforme Colis", City: "Saint-Priest", PostalCode: "69800", Country: "FR", Zone: "Europe/Paris"},
		},
		delivery: []Place{
			{City: "Lyon", PostalCode: "69002", Country: "FR", Zone: "Europe/Paris"},
			{City: "Marseille", PostalCode: "13001", Country: "FR", Zone: "Europe/Paris"},
			{City: "Paris", PostalCode: "75011", Country: "FR", Zone: "Europe/Paris"},
		},
	},
	"NL": {
		gateway: Place{Facility: "International Mail Centre Schiphol", City: "Schiphol", PostalCode: "1118 AA", Country: "NL", Zone: "Europe/Amsterdam", IATA: "AMS"},
		sorting: []Place{
			{Facility: "Sorteercentrum", City: "Nieuwegein", PostalCode: "3439 NA", Country: "NL", Zone: "Europe/Amsterdam"},
			{Facility: "Sorteercentrum", City: "Den Bosch", PostalCode: "5231 DD", Country: "NL", Zone: "Europe/Amsterdam"},
		},
		delivery: []Place{
			{City: "Utrecht", PostalCode: "3511 LX", Country: "NL", Zone: "Europe/Amsterdam"},
			{City: "Rotterdam", PostalCode: "3011 AD", Country: "NL", Zone: "Europe/Amsterdam"},
			{City: "Groningen", PostalCode: "9711 LM", Country: "NL", Zone: "Europe/Amsterdam"},
		},
	},
	"AU": {
		gateway: Place{Facility: "Sydney Gateway Facility", City: "Mascot", State: "NSW", PostalCode: "2020", Country: "AU", Zone: "Australia/Sydney", IATA: "SYD"},
		sorting: []Place{
			{Facility: "Parcel Facility", City: "Sunshine West", State: "VIC", PostalCode: "3020", Country: "AU", Zone: "Australia/Melbourne"},
			{Facility: "Parcel Facility", City: "Underwood", State: "QLD", PostalCode: "4119", Country: "AU", Zone: "Australia/Brisbane"},
		},
		delivery: []Place{
			{City: "Melbourne", State: "VIC", PostalCode: "3000", Country: "AU", Zone: "Australia/Melbourne"},
			{City: "Brisbane", State: "QLD", PostalCode: "4000", Country: "AU", Zone: "Australia/Brisbane"},
			{City: "Perth", State: "WA", PostalCode: "6000", Country: "AU", Zone: "Australia/Perth"},
		},
	},
	"DE": {
		gateway: Place{Facility: "Internationales Postzentrum", City: "Frankfurt am Main", PostalCode: "60549", Country: "DE", Zone: "Europe/Berlin", IATA: "FRA"},
		sorting: []Place{
			{Facility: "Paketzentrum", City: "Leipzig", PostalCode: "04435", Country: "DE", Zone: "Europe/Berlin", IATA: "LEJ"},
			{Facility: "Paketzentrum", City: "Aschheim", PostalCode: "85609", Country: "DE", Zone: "Europe/Berlin"},
		},
		delivery: []Place{
			{City: "Berlin", PostalCode: "10115", Country: "DE", Zone: "Europe/Berlin"},
			{City: "Hamburg", PostalCode: "20095", Country: "DE", Zone: "Europe/Berlin"},
			{City: "Muenchen", PostalCode: "80331", Country: "DE", Zone: "Europe/Berlin"},
		},
	},
}

// zones loads every zone the tables name, once; read-only afterwards.
var zones = sync.OnceValue(func() map[string]*time.Location {
	m := map[string]*time.Location{}
	add := func(p Place) {
		if _, ok := m[p.Zone]; ok {
			return
		}
		loc, err := time.LoadLocation(p.Zone)
		if err != nil {
			panic(fmt.Sprintf("sandbox: zone %q: %v", p.Zone, err)) // a typo in the tables above
		}
		m[p.Zone] = loc
	}
	for _, p := range origins {
		add(p)
	}
	for _, d := range destinations {
		add(d.gateway)
		for _, p := range d.sorting {
			add(p)
		}
		for _, p := range d.delivery {
			add(p)
		}
	}
	return m
})
