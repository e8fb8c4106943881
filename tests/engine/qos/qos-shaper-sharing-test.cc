/*
 * The shaper's measurement-based fair sharing of the uplink (qos-shaper.h, SetLink): two
 * greedy ports with reservations of 7 and 3 Gbps on a 10 Gbps link send 7:3; when one
 * stops, the other's share rises to the link within two intervals; an idle port keeps its
 * reservation; weights split what is not reserved; reservations the link cannot carry are
 * refused and change nothing.
 */
#include "engine/qos/qos-shaper.h"

#include <gtest/gtest.h>
#include <limits>
#include <map>

namespace vfp
{
namespace
{

constexpr Direction TX = Direction::Outbound;
constexpr double LINK = 10e9;
constexpr double INTERVAL = 0.01;
constexpr uint32_t FRAME = 1514;
constexpr double GAP = 1e-7; //!< between two packets of a greedy port: 121 Gbps offered

PortQosSpec
Reserve(double bps)
{
    PortQosSpec qos;
    qos.txReservationBps = bps;
    return qos;
}

/// Ports offering a frame every GAP, released as NextRelease says; counts what each sent.
class Greedy
{
public:
    explicit Greedy(QosShaper& shaper)
        : m_shaper(shaper)
    {
    }

    /// Steps from the current time up to @p until with @p ports sending; bytes that leave
    /// at or after @p countFrom are counted.
    void Run(double until, const std::vector<std::string>& ports, double countFrom)
    {
        for (; m_step * GAP < until; ++m_step)
        {
            const double now = m_step * GAP;
            for (std::optional<double> next = m_shaper.NextRelease(); next && *next <= now;
                 next = m_shaper.NextRelease())
            {
                for (const QosShaper::Released& out : m_shaper.Release(*next))
                {
                    Count(m_byHandle.at(out.handle), out.at, countFrom);
                    m_byHandle.erase(out.handle);
                }
            }
            for (const std::string& port : ports)
            {
                const uint64_t handle = m_handles++;
                switch (m_shaper.Enqueue(port, TX, handle, FRAME, now))
                {
                    case QosShaper::Admission::Sent:
                        Count(port, now, countFrom);
                        break;
                    case QosShaper::Admission::Queued:
                        m_byHandle[handle] = port;
                        break;
                    case QosShaper::Admission::Dropped:
                        break;
                }
            }
        }
    }
    /// Bits a second @p port sent over the @p seconds counted, and restarts the count.
    double Rate(const std::string& port, double seconds)
    {
        const double rate = m_bytes[port] * 8 / seconds;
        m_bytes[port] = 0;
        return rate;
    }
    double Now() const { return m_step * GAP; }

private:
    void Count(const std::string& port, double at, double countFrom)
    {
        if (at >= countFrom)
        {
            m_bytes[port] += FRAME;
        }
    }

    QosShaper& m_shaper;
    uint64_t m_step = 0;
    uint64_t m_handles = 0;
    std::map<uint64_t, std::string> m_byHandle; //!< queued handles' ports
    std::map<std::string, double> m_bytes;      //!< counted, by port
};

TEST(QosSharing, GreedyPortsShareByReservationAndAStoppedPortsShareGoesToTheOther)
{
    QosShaper shaper;
    shaper.SetLink(LINK, INTERVAL, 0);
    shaper.SetPort("a", Reserve(7e9), 0);
    shaper.SetPort("b", Reserve(3e9), 0);
    shaper.SetPort("idle", std::nullopt, 0);
    Greedy greedy(shaper);
    greedy.Run(1.05, {"a", "b"}, 0.05); // five intervals to settle, then one second
    const double a = greedy.Rate("a", 1);
    const double b = greedy.Rate("b", 1);
    EXPECT_NEAR(a / b, 7.0 / 3, 7.0 / 3 * 0.05) << "a " << a << " b " << b;
    EXPECT_NEAR(a + b, LINK, LINK * 0.02) << "the link is used and not exceeded";
    EXPECT_EQ(shaper.GetShareRate("a"), 7e9);
    EXPECT_EQ(shaper.GetShareRate("b"), 3e9);
    EXPECT_EQ(shaper.GetShareRate("idle"), SHARE_FLOOR_FRACTION * LINK)
        << "an idle port without a reservation keeps the floor";

    const double stop = greedy.Now();
    greedy.Run(stop + 2 * INTERVAL + 1e-6, {"a"}, std::numeric_limits<double>::infinity());
    EXPECT_NEAR(shaper.GetShareRate("a"), LINK, LINK * 0.01) << "within two intervals";
    EXPECT_GE(shaper.GetShareRate("b"), 3e9) << "an idle port keeps its reservation";
    const double from = greedy.Now();
    greedy.Run(from + 0.1, {"a"}, from);
    EXPECT_NEAR(greedy.Rate("a", 0.1), LINK, LINK * 0.02);
    EXPECT_GE(shaper.GetShareRate("b"), 3e9);
}

TEST(QosSharing, WeightsShareALinkWithoutReservations)
{
    QosShaper shaper;
    shaper.SetLink(9e9, INTERVAL, 0);
    PortQosSpec heavy;
    heavy.weight = 2;
    shaper.SetPort("heavy", heavy, 0);
    shaper.SetPort("light", std::nullopt, 0); // weight 1
    Greedy greedy(shaper);
    greedy.Run(0.25, {"heavy", "light"}, 0.05);
    EXPECT_NEAR(greedy.Rate("heavy", 0.2), 6e9, 6e9 * 0.02);
    EXPECT_NEAR(greedy.Rate("light", 0.2), 3e9, 3e9 * 0.02);
}

TEST(QosSharing, ReservationsAboveTheLinkAreRefusedAndChangeNothing)
{
    QosShaper shaper;
    shaper.SetLink(LINK, INTERVAL, 0);
    shaper.SetPort("a", Reserve(7e9), 0);
    shaper.SetPort("b", Reserve(3e9), 0);
    try
    {
        shaper.SetPort("c", Reserve(1e6), 0.001);
        FAIL() << "11 Gbps reserved on a 10 Gbps link";
    }
    catch (const PolicyError& error)
    {
        EXPECT_NE(std::string(error.what()).find("port 'c' qos: reservations add up to"),
                  std::string::npos)
            << error.what();
    }
    EXPECT_THROW(shaper.Enqueue("c", TX, 0, FRAME, 0.001), PolicyError) << "c was not added";
    EXPECT_THROW(shaper.SetPort("a", Reserve(8e9), 0.001), PolicyError);
    EXPECT_THROW(shaper.SetLink(9e9, INTERVAL, 0.001), PolicyError);
    EXPECT_THROW(shaper.SetLink(0, INTERVAL, 0.001), PolicyError) << "reservations need a link";
    EXPECT_EQ(shaper.ToSpec().linkBps, LINK);
    EXPECT_EQ(shaper.ToSpec().shareInterval, INTERVAL);
    EXPECT_EQ(shaper.GetShareRate("a"), 7e9);
    EXPECT_EQ(shaper.GetShareRate("b"), 3e9);
    shaper.SetPort("a", Reserve(6e9), 0.001);
    shaper.SetPort("c", Reserve(1e9), 0.001); // now it fits
    EXPECT_GE(shaper.GetShareRate("c"), 1e9);
}

TEST(QosSharing, AReservationNeedsALink)
{
    QosShaper shaper;
    try
    {
        shaper.SetPort("a", Reserve(1e9), 0);
        FAIL() << "a reservation on no link";
    }
    catch (const PolicyError& error)
    {
        EXPECT_NE(std::string(error.what())
                      .find("port 'a' qos: a reservation needs the switch's "
                            "qos.link_bps"),
                  std::string::npos)
            << error.what();
    }
    EXPECT_THROW(shaper.Enqueue("a", TX, 0, FRAME, 0), PolicyError) << "a was not added";
    EXPECT_FALSE(shaper.IsActive());
}

} // namespace
} // namespace vfp
