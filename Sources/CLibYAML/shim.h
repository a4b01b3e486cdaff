// libyaml's event parser, from Debian's libyaml-dev: YAMLBudget walks a document's events to
// measure what its aliases expand to before anything is built from it. Yams, which composes the
// documents, carries its own copy of the same library (0.2.5, whose parser ABI has not changed
// since 0.1); this module is our declared use of it.
#include <yaml.h>
