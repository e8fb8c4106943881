#!/usr/bin/python3
"""Checks a JUnit XML report parses and counts as expected.

usage: junit_counts.py REPORT TESTS FAILURES ERRORS

The report's testsuite attributes and its <testcase>, <failure> and <error> elements must
all agree with the expected numbers (this is what CI systems read).
"""
import sys
import xml.etree.ElementTree as ElementTree


def main():
    report, tests, failures, errors = sys.argv[1], *map(int, sys.argv[2:5])
    root = ElementTree.parse(report).getroot()
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    cases = [case for suite in suites for case in suite.findall("testcase")]
    counted = (len(cases),
               sum(len(case.findall("failure")) for case in cases),
               sum(len(case.findall("error")) for case in cases))
    declared = tuple(sum(int(suite.get(key)) for suite in suites)
                     for key in ("tests", "failures", "errors"))
    expected = (tests, failures, errors)
    if counted != expected or declared != expected:
        print(f"{report}: expected (tests, failures, errors) = {expected}, "
              f"elements give {counted}, attributes say {declared}")
        return 1
    print(f"{report}: {tests} tests, {failures} failures, {errors} errors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
