/*
 * vfp-doc-tables: the attribute and trace source tables of docs/vfp-module.md, generated
 * from ns-3's TypeId registry so that they never drift from the code.
 *
 *   vfp-doc-tables                       print both tables
 *   vfp-doc-tables --check FILE          exit 1 when FILE's tables differ from the TypeIds
 *   vfp-doc-tables --update FILE         rewrite FILE's tables (make doc-tables)
 *
 * The tables cover every registered type of group "Vfp" (sorted by name), each type's own
 * attributes and trace sources (inherited ones are listed under the parent). In FILE they
 * sit between the lines "<!-- vfp-doc-tables: attributes -->" (or "traces") and
 * "<!-- vfp-doc-tables: end -->".
 */
#include "command-line.h"
#include "ns3/type-id.h"
#include "vfp-controller.h"

#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

namespace po = boost::program_options;
using ns3::TypeId;

namespace
{

const std::string END_MARKER = "<!-- vfp-doc-tables: end -->";

std::string
Cell(std::string text)
{
    std::string out;
    for (char c : text)
    {
        out += c == '|' ? std::string("\\|") : c == '\n' ? std::string(" ") : std::string(1, c);
    }
    return out.empty() ? "" : out;
}

/// The module's types, by name.
std::map<std::string, TypeId>
ModuleTypes()
{
    ns3::VfpController::GetTypeId(); // links the module, whose types register as it loads
    std::map<std::string, TypeId> types;
    for (uint16_t i = 0; i < TypeId::GetRegisteredN(); ++i)
    {
        TypeId tid = TypeId::GetRegistered(i);
        if (tid.GetGroupName() == "Vfp")
        {
            types.emplace(tid.GetName(), tid);
        }
    }
    return types;
}

std::string
AttributeTables(const std::map<std::string, TypeId>& types)
{
    std::ostringstream out;
    for (const auto& [name, tid] : types)
    {
        if (tid.GetAttributeN() == 0)
        {
            continue;
        }
        out << fmt::format("\n### {} (parent {})\n\n", name, tid.GetParent().GetName());
        out << "| attribute | value type | default | range | description |\n";
        out << "|---|---|---|---|---|\n";
        for (size_t i = 0; i < tid.GetAttributeN(); ++i)
        {
            const TypeId::AttributeInformation info = tid.GetAttribute(i);
            const std::string range = info.checker->HasUnderlyingTypeInformation()
                                          ? info.checker->GetUnderlyingTypeInformation()
                                          : "";
            out << fmt::format("| {} | {} | {} | {} | {} |\n",
                               Cell(info.name),
                               Cell(info.checker->GetValueTypeName()),
                               Cell(info.originalInitialValue->SerializeToString(info.checker)),
                               Cell(range),
                               Cell(info.help));
        }
    }
    return out.str();
}

std::string
TraceTables(const std::map<std::string, TypeId>& types)
{
    std::ostringstream out;
    for (const auto& [name, tid] : types)
    {
        if (tid.GetTraceSourceN() == 0)
        {
            continue;
        }
        out << fmt::format("\n### {}\n\n", name);
        out << "| trace source | callback signature | description |\n|---|---|---|\n";
        for (size_t i = 0; i < tid.GetTraceSourceN(); ++i)
        {
            const TypeId::TraceSourceInformation info = tid.GetTraceSource(i);
            out << fmt::format(
                "| {} | `{}` | {} |\n", Cell(info.name), Cell(info.callback), Cell(info.help));
        }
    }
    return out.str();
}

/// The generated blocks, by marker name.
std::map<std::string, std::string>
Blocks()
{
    const std::map<std::string, TypeId> types = ModuleTypes();
    return {{"attributes", AttributeTables(types) + "\n"}, {"traces", TraceTables(types) + "\n"}};
}

/**
 * @p text with each block replaced by @p blocks' (when @p replace) and the blocks found.
 * @throws std::runtime_error naming the marker that is missing
 */
std::string
Splice(const std::string& text,
       const std::map<std::string, std::string>& blocks,
       std::map<std::string, std::string>& found)
{
    std::string out = text;
    for (const auto& [name, block] : blocks)
    {
        const std::string begin = "<!-- vfp-doc-tables: " + name + " -->\n";
        const size_t start = out.find(begin);
        const size_t end = start == std::string::npos ? start : out.find(END_MARKER, start);
        if (end == std::string::npos)
        {
            throw std::runtime_error(
                fmt::format("no \"{}\" ... \"{}\" block (the generated {} table goes there)",
                            begin.substr(0, begin.size() - 1),
                            END_MARKER,
                            name));
        }
        const size_t from = start + begin.size();
        found[name] = out.substr(from, end - from);
        out.replace(from, end - from, block);
    }
    return out;
}

} // namespace

int
main(int argc, char** argv)
{
    std::string checkFile;
    std::string updateFile;
    po::options_description options(
        "vfp-doc-tables: the module's attribute and trace source tables, from its TypeIds\n\n"
        "Options");
    options.add_options()("help,h", "print this help")(
        "check", po::value(&checkFile), "exit 1 when FILE's tables differ from the TypeIds")(
        "update", po::value(&updateFile), "rewrite FILE's tables from the TypeIds");
    if (std::optional<int> status = vfp::ParseCommandLine(argc, argv, "vfp-doc-tables", options))
    {
        return *status;
    }
    const std::map<std::string, std::string> blocks = Blocks();
    const std::string file = checkFile.empty() ? updateFile : checkFile;
    if (file.empty())
    {
        std::cout << "## Attributes\n"
                  << blocks.at("attributes") << "## Traces\n"
                  << blocks.at("traces");
        return 0;
    }
    std::ifstream in(file);
    if (!in)
    {
        std::cerr << fmt::format("vfp-doc-tables: {}: cannot open\n", file);
        return 2;
    }
    std::stringstream text;
    text << in.rdbuf();
    std::map<std::string, std::string> found;
    std::string updated;
    try
    {
        updated = Splice(text.str(), blocks, found);
    }
    catch (const std::runtime_error& error)
    {
        std::cerr << fmt::format("vfp-doc-tables: {}: {}\n", file, error.what());
        return 2;
    }
    if (!updateFile.empty())
    {
        std::ofstream(file) << updated;
        std::cerr << fmt::format("vfp-doc-tables: {}: tables updated\n", file);
        return 0;
    }
    for (const auto& [name, block] : blocks)
    {
        if (found.at(name) != block)
        {
            std::cerr << fmt::format(
                "vfp-doc-tables: {}: the {} table differs from the TypeIds; regenerate it with "
                "`make doc-tables` (build/bin/vfp-doc-tables --update {})\n",
                file,
                name,
                file);
            return 1;
        }
    }
    return 0;
}
