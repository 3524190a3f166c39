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

    [Fact]
    public void Database_settings_and_comment_name_the_target()
    {
        var toc = Toc(null) with
        {
            Entries =
            [
                new TocEntry(3, 0, 0, "shop", "DATABASE PROPERTIES", TocSection.PreData,
                    "ALTER DATABASE shop SET search_path TO 'Odd \"Schema\".x', 'public';\nALTER DATABASE shop SET work_mem TO '7MB';\n" +
                    "ALTER ROLE app IN DATABASE shop SET work_mem TO '6MB';\n", null, null, "alice", [], null),
                new TocEntry(4, 0, 0, "DATABASE shop", "COMMENT", TocSection.None, "COMMENT ON DATABASE shop IS 'hi;';\n", null, null, "alice", [], null),
                new TocEntry(5, 0, 0, "TABLE t", "COMMENT", TocSection.None, "COMMENT ON TABLE public.t IS 'no';\n", null, "public", "alice", [], null),
            ],
        };
        Assert.Equal(
        [
            "ALTER DATABASE \"new db\" SET search_path TO 'Odd \"Schema\".x', 'public'",
            "ALTER DATABASE \"new db\" SET work_mem TO '7MB'",
            "ALTER ROLE app IN DATABASE \"new db\" SET work_mem TO '6MB'",
            "COMMENT ON DATABASE \"new db\" IS 'hi;'",
        ], DumpedDatabase.PropertyStatements(toc, "new db"));
        var quoted = Toc(null) with
        {
            DatabaseName = "Shop",
            Entries = [new TocEntry(3, 0, 0, "Shop", "DATABASE PROPERTIES", TocSection.PreData, "ALTER DATABASE \"Shop\" SET work_mem TO '1MB';\n", null, null, null, [], null)],
        };
        Assert.Equal(["ALTER DATABASE \"x\" SET work_mem TO '1MB'"], DumpedDatabase.PropertyStatements(quoted, "x"));
    }
}
