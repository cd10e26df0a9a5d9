// Package eta estimates when active shipments will be delivered.
//
// The model is empirical: for every lane (origin and destination country,
// carrier, service) and every stage of the journey (info received, picked
// up, departed origin, arrived in the destination country, in customs,
// cleared, out for delivery) it keeps the distribution of the time that
// delivered shipments still took from that stage, in bins of six hours.
// An estimate conditions that distribution on the time already spent at
// the stage, turns it into a probability for each calendar day (moving
// mass off weekdays the lane never delivers on), and reads the most likely
// day, the 50/80/95 % ranges and the chance of missing the promised date
// from it.
//
// Lanes with little history borrow from wider pools: each lane's counts
// are smoothed toward the carrier and destination pool, that toward the
// destination pool, that toward all of the tenant's deliveries, and that
// toward a built-in prior, each with the weight of a few deliveries, so a
// new lane starts from its neighbours and moves to its own figures as
// deliveries accumulate.
package eta
