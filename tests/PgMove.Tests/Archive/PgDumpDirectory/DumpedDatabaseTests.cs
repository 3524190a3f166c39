using PgMove.Archive.PgDumpDirectory;

namespace PgMove.Tests.Archive.PgDumpDirectory;

public sealed class DumpedDatabaseTests
{
    static PgDumpToc Toc(string? create) => new("1.14.0", DumpCompression.Gzip, "shop", "15.8", "15.8",
    [
        new TocEntry(1, 0, 0, "ENCODING", "ENCODING", TocSection.PreData, "SET client_encoding = 'LATIN1';\n", null, null, null, [], null),
        .. create is null ? Array.Empty<TocEntry>()
            : [new TocEntry(2, 1262, 5, "shop", "DATABASE", TocSection.PreData, create, null, null, "alice", [], null)],
    ]);

    [Fact]
    public void Reads_encoding_locale_and_owner()
    {
        var db = DumpedDatabase.Read(Toc("CREATE DATABASE shop WITH TEMPLATE = template0 ENCODING = 'UTF8' LOCALE_PROVIDER = libc LOCALE = 'en_US.UTF-8';\n"), 10);
        Assert.Equal(("shop", "UTF8", "en_US.UTF-8", "en_US.UTF-8", 'c', (string?)null, "alice", 10L),
            (db.Name, db.Encoding, db.Collate, db.Ctype, db.LocaleProvider, db.Locale, db.Owner, db.SizeBytes));
    }

    [Fact]
    public void Reads_separate_collate_and_ctype_and_icu()
    {
        var db = DumpedDatabase.Read(Toc("CREATE DATABASE \"shop\" WITH TEMPLATE = template0 ENCODING = 'UTF8' LOCALE_PROVIDER = icu " +
                                         "LC_COLLATE = 'C' LC_CTYPE = 'fr_FR.UTF-8' ICU_LOCALE = 'fr-x-''q''';"), 0);
        Assert.Equal(("C", "fr_FR.UTF-8", 'i', "fr-x-'q'"), (db.Collate, db.Ctype, db.LocaleProvider, db.Locale));
    }

    [Fact]
    public void Without_a_database_entry_the_encoding_entry_and_c_locale()
    {
        var db = DumpedDatabase.Read(Toc(null), 0);
        Assert.Equal(("LATIN1", "C", "C", 'c'), (db.Encoding, db.Collate, db.Ctype, db.LocaleProvider));
    }
}
