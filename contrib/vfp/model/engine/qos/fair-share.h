/*
 * Weighted fair sharing of a link with reservations (paper §7.3, "bandwidth reservations
 * across ports ... measurement-based weighted fair sharing").
 *
 * Allocate divides a link of capacity C among ports that each have a reservation r_i (a
 * minimum rate, sum of reservations <= C), a weight w_i > 0 and a demand d_i (what the
 * port was measured to want; infinity for a port its allocation held back):
 *   1. every port first gets min(r_i, d_i): a reservation is a guarantee, but a port
 *      that wants less leaves the rest;
 *   2. what is left of C is then shared by weighted max-min fairness among the ports
 *      that want more: at each step every unsatisfied port gets the same amount per unit
 *      of weight, a port whose demand is met drops out, and its unused share goes on to
 *      the others (water-filling).
 * Result: a_i <= d_i; a_i >= min(r_i, d_i); sum a_i <= C, and = C when the demands add up
 * to C or more (work-conserving); among ports that all want more, the amounts above
 * their reservations are in proportion to their weights.
 *
 * The measurement that feeds it (demands from the bytes each port offered over an
 * interval) is the shaper's (qos-shaper.h). Cost: O(n^2) in the worst case for n ports
 * (one pass per port that drops out); n is the VMs of one host.
 */
#ifndef VFP_ENGINE_FAIR_SHARE_H
#define VFP_ENGINE_FAIR_SHARE_H

#include <vector>

namespace vfp
{

/// One port's claim on the link, in bits per second.
struct ShareClaim
{
    double reservation = 0; //!< guaranteed when wanted
    double weight = 1;      //!< above zero
    double demand = 0;      //!< what it wants (may be infinity)
};

/// The allocation of @p capacity among @p claims, in their order (see above).
std::vector<double> Allocate(double capacity, const std::vector<ShareClaim>& claims);

} // namespace vfp

#endif
