using System.CommandLine;
using PgMove.Archive;
using PgMove.Cli.Rendering;

namespace PgMove.Cli.Commands;

/// <summary><c>pgmove dump</c>: parses options and hands them to <see cref="DumpRunner"/>.</summary>
internal static class DumpCommand
{
    public static Command Create()
    {
        var source = new Option<string?>("--source", "-s") { Description = "Source connection: URI or key=value conninfo (default: $PGMOVE_SOURCE)" };
        var archive = new Option<string>("--archive", "-a") { Description = "Archive directory to write (new or empty)", Required = true };
        var jobs = new Option<int>("--jobs", "-j") { Description = "Parallel source sessions writing data files", DefaultValueFactory = _ => 2 };
        var pgBin = new Option<string?>("--pg-bin") { Description = "Directory of pg_dump (default: PATH, then /usr/lib/postgresql/*/bin)" };
        var json = new Option<bool>("--json") { Description = "Print the summary as JSON on stdout (progress goes to stderr)" };
        var resume = new Option<bool>("--resume")
        { Description = "Finish the interrupted dump in --archive: its finished files are checked and kept, the rest is dumped again" };
        var filters = new FilterCliOptions();
        var command = new Command("dump",
            "Write one database to an archive directory (schema, one zstd file per table, manifest with checksums), for pgmove restore.")
        {
            source, archive, jobs, pgBin, json, resume,
        };
        filters.AddTo(command);
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async (display, token) =>
        {
            var options = new DumpOptions
            {
                Source = ConnectionArguments.Parse(parse.GetValue(source), "PGMOVE_SOURCE", "--source"),
                Directory = parse.GetValue(archive)!,
                Jobs = Math.Max(1, parse.GetValue(jobs)),
                PgBin = parse.GetValue(pgBin),
                Filters = filters.Read(parse),
                Resume = parse.GetValue(resume),
            };
            var summary = await display.RunAsync(sink => new DumpRunner(options, sink).RunAsync(token));
            display.ShowLines([
                $"pgmove dump: done in {Format.Duration(summary.Elapsed)}",
                $"  archive: {summary.Directory} ({Format.Bytes(summary.ArchiveBytes)})",
                $"  tables:  {summary.Tables} ({Format.Count(summary.Rows)} rows)",
            ], summary);
        }, parse.GetValue(json), ct));
        return command;
    }
}
