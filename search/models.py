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
    # The average rating (1-5) of the document, null until a solution has ratings; the
    # "rating" sort puts unrated solutions last (see search.index.solution_ratings).
    rating_avg = models.FloatField(null=True, blank=True)
    # How many terms the entry's text fields hold together: BM25's length (search.scoring).
    length = models.PositiveIntegerField(default=0)
    # PostgreSQL: the tokens (search.marks.mark_token) of the synonym phrases of several
    # terms the entry holds, in any text field (`marks`) and in its title or summary
    # (`head_marks`); search_vector and head_vector take them in as lexemes (migration 0013).
    # Empty elsewhere.
    marks = models.TextField(blank=True, default="")
    head_marks = models.TextField(blank=True, default="")
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "search entries"

    def __str__(self):
        return f"Search entry of solution {self.solution_id}"


class SearchMarkedPhrase(models.Model):
    """A phrase every entry of the PostgreSQL index marks when it holds it (by its token,
    search.marks.mark_token): written by a rebuild, with the entries. A query finds these
    phrases by their tokens; other phrases by the words' positions. Phrases a later change of
    the synonyms adds are marked by the writes after it, and queried by their tokens once a
    rebuild has marked every entry."""

    token = models.CharField(max_length=24, primary_key=True)
    # Its terms, separated by spaces: later writes mark it too, whatever the synonyms are by
    # then.
    phrase = models.TextField()

    def __str__(self):
        return self.phrase


class SearchTerm(models.Model):
    """How many entries of the database index hold a term (in search.analysis form): the
    statistics every engine ranks with (search.scoring). Kept by search.statistics in the
    transaction that writes the entries; a term no entry holds any more has no row."""

    term = models.CharField(max_length=64, primary_key=True)
    entries = models.IntegerField(default=0)

    def __str__(self):
        return f"{self.term}: {self.entries}"


class SearchFacet(models.Model):
    """One facet value of an entry (stage=manufacturing, maturity=2, …). Searches filter and
    count with bitmaps each process loads from this table (search.bitmaps); it is read whole
    or by entry, so it needs no index beyond the one of its constraint."""

    entry = models.ForeignKey(SearchEntry, on_delete=models.CASCADE, related_name="facets")
    facet = models.CharField(max_length=20)
    value = models.CharField(max_length=50)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "facet", "value"], name="searchfacet_unique_entry_facet_value"
            ),
        ]

    def __str__(self):
        return f"{self.facet}={self.value}"


class SearchSuggestion(models.Model):
    """Something to suggest while a reader types: a published solution or a vendor with
    published solutions (scenarios are few and suggested from the taxonomy itself).

    `terms` holds both labels normalised without stemming (search.analysis), so that what is
    typed so far matches as a prefix. Beside it, migration 0004 makes the full-text structure:
    an FTS5 table `search_suggestion_fts` on SQLite, a generated `terms_vector` tsvector with a
    GIN index on PostgreSQL. Kept in step by search.suggestions."""

    class Kind(models.TextChoices):
        SOLUTION = "solution", "solution"
        VENDOR = "vendor", "vendor"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_id = models.BigIntegerField()
    # A solution's vendor: its row is refreshed when the vendor's solutions change.
    vendor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    label_en = models.CharField(max_length=200, blank=True, default="")
    label_zh = models.CharField(max_length=200, blank=True, default="")
    terms = models.TextField(blank=True, default="")
    # Order among suggestions of one kind: a solution's publication time (newest first), a
    # vendor's number of published solutions.
    weight = models.FloatField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"],
                                    name="searchsuggestion_unique_kind_object"),
        ]

    def __str__(self):
        return f"{self.kind} {self.object_id}: {self.label_en or self.label_zh}"


class SolutionRating(models.Model):
    """A solution's average rating as the marketplace tells it (search.services.set_rating):
    documents carry it (rating_avg, rating_count) for the "rating" sort and for matching's
    evidence. Search keeps its own copy so that it reads no other app's table; a solution
    without ratings has no row."""

    solution = models.OneToOneField(
        Solution, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    average = models.FloatField()
    count = models.PositiveIntegerField()
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"solution {self.solution_id}: {self.average} of 5 ({self.count})"


class SearchIndexChange(models.Model):
    """One committed write to the database index, in commit order: the solutions it indexed
    or removed, or `reset` when it replaced everything (clear, rebuild). Processes keep the
    facets in memory and catch up from these rows (search.bitmaps); old rows are trimmed."""

    token = models.CharField(max_length=32)
    reset = models.BooleanField(default=False)
    solution_ids = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"index change {self.pk}{' (reset)' if self.reset else ''}"


class SignatureBand(models.Model):
    """One LSH band of one indexed solution's MinHash signature in one language: `bucket` is
    the band's hash (search.signatures). Solutions sharing a bucket agree on every value of
    that band, which pairs of similar texts do far more often than unrelated ones: the
    near-duplicate check finds its candidates here, in a few indexed lookups, instead of a
    full-text search of the index. Written with the index by search.services.

    The primary key (bucket, solution) serves those lookups; the solution's index serves
    rewriting and removing a solution's rows. No database constraint: a rebuild copies
    millions of these rows, made from the documents of published solutions in the same
    transaction, and checking each against the solution table would cost more than writing
    it (the ORM still deletes them with their solution)."""

    pk = models.CompositePrimaryKey("bucket", "solution")
    bucket = models.BigIntegerField()
    solution = models.ForeignKey(Solution, on_delete=models.CASCADE, db_constraint=False,
                                 related_name="+")

    def __str__(self):
        return f"bucket {self.bucket}: solution {self.solution_id}"


class PendingSignatures(models.Model):
    """Present while the signature bands do not cover the index: migration 0011 adds a row
    when it finds an index written before signatures existed. The near-duplicate check then
    finds its candidates by searching, as it did before; a rebuild of the index (which
    rewrites the bands) removes the row. Absent, as in a fresh database, the bands cover the
    index."""

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "pending signatures"

    def __str__(self):
        return f"signatures pending since {self.created_at:%Y-%m-%d %H:%M}"
