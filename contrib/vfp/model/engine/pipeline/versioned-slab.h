/*
 * A slab of values with versioned handles: the storage of layer flow pairs and of
 * connections, which unified flows and connections refer to without owning them.
 *
 * Values live in a vector of slots; freed slots are reused, last freed first. A Handle
 * names a slot and the version it had when the value was added; removing the value bumps
 * the slot's version, so a stale handle is told from a live one in O(1) (Get returns null)
 * and never reaches the slot's next value. Iteration is in slot order, which makes sweeps
 * deterministic. Snapshot and Restore carry the slab exactly (free list included), so
 * handles saved with it stay valid after a state restore.
 */
#ifndef VFP_ENGINE_VERSIONED_SLAB_H
#define VFP_ENGINE_VERSIONED_SLAB_H

#include <cstdint>
#include <string>
#include <vector>

namespace vfp
{

template<typename T>
class VersionedSlab
{
public:
    struct Handle
    {
        uint32_t slot = UINT32_MAX;
        uint32_t version = 0;

        bool IsNull() const { return slot == UINT32_MAX; }
        bool operator==(const Handle& other) const
        {
            return slot == other.slot && version == other.version;
        }
    };
    struct Slot
    {
        T value;
        uint32_t version = 0; //!< bumped when the slot's value goes
        bool live = false;
    };
    struct Snapshot
    {
        std::vector<Slot> slots;
        std::vector<uint32_t> free;
    };

    Handle Add(T value)
    {
        uint32_t slot;
        if (m_free.empty())
        {
            slot = static_cast<uint32_t>(m_slots.size());
            m_slots.emplace_back();
        }
        else
        {
            slot = m_free.back();
            m_free.pop_back();
        }
        m_slots[slot].value = std::move(value);
        m_slots[slot].live = true;
        ++m_live;
        return Handle{slot, m_slots[slot].version};
    }
    /// The value @p handle names, or null if it is gone.
    T* Get(Handle handle)
    {
        if (handle.slot >= m_slots.size())
        {
            return nullptr;
        }
        Slot& slot = m_slots[handle.slot];
        return slot.live && slot.version == handle.version ? &slot.value : nullptr;
    }
    /// The live value in @p slot.
    T& At(uint32_t slot) { return m_slots[slot].value; }
    Handle HandleOf(uint32_t slot) const { return Handle{slot, m_slots[slot].version}; }
    /// Removes the live value in @p slot.
    void Remove(uint32_t slot)
    {
        m_slots[slot].value = T{};
        m_slots[slot].live = false;
        ++m_slots[slot].version;
        m_free.push_back(slot);
        --m_live;
    }
    size_t Size() const { return m_live; }
    /// Calls @p visit(handle, value) for every live value, in slot order. The visitor may
    /// remove the value it is given.
    template<typename Visit>
    void ForEach(Visit&& visit)
    {
        for (uint32_t slot = 0; slot < m_slots.size(); ++slot)
        {
            if (m_slots[slot].live)
            {
                visit(Handle{slot, m_slots[slot].version}, m_slots[slot].value);
            }
        }
    }
    template<typename Visit>
    void ForEach(Visit&& visit) const
    {
        for (uint32_t slot = 0; slot < m_slots.size(); ++slot)
        {
            if (m_slots[slot].live)
            {
                visit(Handle{slot, m_slots[slot].version}, m_slots[slot].value);
            }
        }
    }
    Snapshot GetSnapshot() const { return Snapshot{m_slots, m_free}; }
    /**
     * Why @p slots and @p free cannot be a slab's state, or empty when they can: the free
     * list names exactly the slots that are not live, each once (Add writes to the slot the
     * free list names, so one past the slots or a live one would corrupt memory or a value).
     */
    static std::string CheckSnapshot(const std::vector<Slot>& slots,
                                     const std::vector<uint32_t>& free)
    {
        std::vector<bool> listed(slots.size(), false);
        for (size_t i = 0; i < free.size(); ++i)
        {
            const uint32_t slot = free[i];
            const std::string where =
                "free[" + std::to_string(i) + "]: slot " + std::to_string(slot);
            if (slot >= slots.size())
            {
                return where + " is past the " + std::to_string(slots.size()) + " slots";
            }
            if (slots[slot].live)
            {
                return where + " is live";
            }
            if (listed[slot])
            {
                return where + " is listed twice";
            }
            listed[slot] = true;
        }
        for (size_t slot = 0; slot < slots.size(); ++slot)
        {
            if (!slots[slot].live && !listed[slot])
            {
                return "slot " + std::to_string(slot) + " is not live and not on the free list";
            }
        }
        return "";
    }
    /// Takes the state @p snapshot holds, which CheckSnapshot must have accepted.
    void Restore(Snapshot snapshot)
    {
        m_slots = std::move(snapshot.slots);
        m_free = std::move(snapshot.free);
        m_live = 0;
        for (const Slot& slot : m_slots)
        {
            m_live += slot.live;
        }
    }

private:
    std::vector<Slot> m_slots;    //!< the values
    std::vector<uint32_t> m_free; //!< free slots
    size_t m_live = 0;            //!< live values
};

} // namespace vfp

#endif
