#include "policy-spec.h"

#include <array>

namespace vfp
{

namespace
{
constexpr std::array<std::string_view, 7> ACTION_TYPE_NAMES = {
    "allow", "block", "nat", "encap", "decap", "meter", "transposition"};
}

std::string_view
DirectionName(Direction direction)
{
    return direction == Direction::Outbound ? "outbound" : "inbound";
}

std::optional<Direction>
ParseDirection(std::string_view name)
{
    if (name == "outbound")
    {
        return Direction::Outbound;
    }
    if (name == "inbound")
    {
        return Direction::Inbound;
    }
    return std::nullopt;
}

std::string_view
ActionTypeName(ActionType type)
{
    return ACTION_TYPE_NAMES[static_cast<size_t>(type)];
}

std::optional<ActionType>
ParseActionType(std::string_view name)
{
    for (size_t i = 0; i < ACTION_TYPE_NAMES.size(); ++i)
    {
        if (ACTION_TYPE_NAMES[i] == name)
        {
            return static_cast<ActionType>(i);
        }
    }
    return std::nullopt;
}

Condition
MakeCondition(ConditionType type,
              std::initializer_list<std::string_view> values,
              HeaderSelector header)
{
    Condition condition;
    condition.type = type;
    condition.header = header;
    for (std::string_view text : values)
    {
        std::string error;
        std::optional<ConditionValue> value = ParseConditionValue(type, text, error);
        if (!value)
        {
            throw PolicyError(std::string(ConditionTypeName(type)) + " value \"" +
                              std::string(text) + "\": " + error);
        }
        condition.values.push_back(*value);
    }
    return condition;
}

} // namespace vfp
