// Copyright storyline authors.
#include "storyline/text.h"

namespace storyline {

struct BoilerplateFilter::Impl {};

BoilerplateFilter::BoilerplateFilter() : impl_(std::make_unique<Impl>()) {}
BoilerplateFilter::~BoilerplateFilter() = default;
void BoilerplateFilter::Observe(const Article& article) {}
CleanedText BoilerplateFilter::Clean(const Article& article) const {
  CleanedText out;
  out.text = article.text;
  return out;
}

}  // namespace storyline
