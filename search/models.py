from django.db import models

from catalog.models import Solution


class SearchEntry(models.Model):
    """One published solution in the database search index.

    The `*_terms` columns hold the normalised text of each weighted field (see search.index and
    search.analysis). The full-text structure next to them depends on the database and is made
    by migration 0002: on SQLite an FTS5 table `search_fts` with this table as external
    content, kept in step by triggers; on PostgreSQL a generated, weighted `search_vector`
    tsvector column with a GIN index. `source` is the indexed document, as Elasticsearch keeps
    its `_source`: highlights and similar-solution queries read it."""

    solution = models.OneToOneField(
        Solution, on_delete=models.CASCADE, primary_key=True, related_name="search_entry"
    )
    title_terms = models.TextField(blank=True, default="")
    summary_terms = models.TextField(blank=True, default="")
    scenarios_terms = models.TextField(blank=True, default="")
    description_terms = models.TextField(blank=True, default="")
    vendor_terms = models.TextField(blank=True, default="")
    case_studies_terms = models.TextField(blank=True, default="")
    source = models.JSONField(default=dict)
    version = models.CharField(max_length=40, blank=True, default="")
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "search entries"

    def __str__(self):
        return f"Search entry of solution {self.solution_id}"


class SearchFacet(models.Model):
    """One facet value of an entry (stage=manufacturing, maturity=2, …): filters are EXISTS
    subqueries and facet counts a GROUP BY over this table, on any database."""

    entry = models.ForeignKey(SearchEntry, on_delete=models.CASCADE, related_name="facets")
    facet = models.CharField(max_length=20)
    value = models.CharField(max_length=50)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "facet", "value"], name="searchfacet_unique_entry_facet_value"
            ),
        ]
        indexes = [models.Index(fields=["facet", "value"], name="searchfacet_facet_value_idx")]

    def __str__(self):
        return f"{self.facet}={self.value}"
