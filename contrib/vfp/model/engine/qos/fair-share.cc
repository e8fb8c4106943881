#include "fair-share.h"

#include <algorithm>

namespace vfp
{

std::vector<double>
Allocate(double capacity, const std::vector<ShareClaim>& claims)
{
    std::vector<double> given(claims.size());
    double left = capacity;
    std::vector<size_t> wanting;
    for (size_t i = 0; i < claims.size(); ++i)
    {
        given[i] = std::min(claims[i].reservation, claims[i].demand);
        left -= given[i];
        if (claims[i].demand > given[i])
        {
            wanting.push_back(i);
        }
    }
    left = std::max(0.0, left);
    while (left > 0 && !wanting.empty())
    {
        double weights = 0;
        for (size_t i : wanting)
        {
            weights += claims[i].weight;
        }
        const double perWeight = left / weights;
        // The ports whose remaining demand this round's level meets drop out with exactly
        // their demand; if none does, everyone takes the level and the link is shared out.
        std::vector<size_t> still;
        double spent = 0;
        for (size_t i : wanting)
        {
            if (claims[i].demand - given[i] <= perWeight * claims[i].weight)
            {
                spent += claims[i].demand - given[i];
                given[i] = claims[i].demand;
            }
            else
            {
                still.push_back(i);
            }
        }
        if (still.size() == wanting.size())
        {
            for (size_t i : wanting)
            {
                given[i] += perWeight * claims[i].weight;
            }
            break;
        }
        left = std::max(0.0, left - spent);
        wanting = std::move(still);
    }
    return given;
}

} // namespace vfp
