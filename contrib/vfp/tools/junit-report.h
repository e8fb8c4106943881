/*
 * JUnit XML, the report format CI systems (GitHub Actions, GitLab, Jenkins) display: one
 * <testcase> per regression case, a <failure> for a failed case (every failed expectation
 * in its text), an <error> for a malformed one.
 */
#ifndef VFP_JUNIT_REPORT_H
#define VFP_JUNIT_REPORT_H

#include "engine/diagnostics/regression-case.h"

#include <ostream>

namespace vfp
{

/// Writes @p reports as one JUnit test suite named @p suite.
void WriteJunit(std::ostream& out,
                const std::string& suite,
                const std::vector<CaseReport>& reports);

} // namespace vfp

#endif
