// One mapcli session over an open map: reads commands like fgets and runs them (PMDK: mapcli.c main loop and str_* helpers).
using System.Diagnostics;
using Pmdk.Obj;

namespace Pmdk.Examples.MapCli;

/// <summary>Executes mapcli commands against one map, writing exactly what C's mapcli writes.</summary>
internal sealed class MapSession(ObjPool pool, IMap map, PmemOid mapOid, GlibcRandom random, TextWriter output, TextWriter error)
{
    private const int BufferLength = 1000;

    /// <summary>Reads commands until end of input or 'q'; returns the exit code.</summary>
    public int Loop(TextReader input, bool interactive)
    {
        _ = pool;
        if (interactive)
            output.Write("Type 'h' for help\n$ ");
        string? line;
        while ((line = input.ReadLine()) is not null)
        {
            // fgets with a 1000-byte buffer hands over at most 999 characters at a time
            string text = line + "\n";
            for (int start = 0; start < text.Length; start += BufferLength - 1)
            {
                string chunk = text.Substring(start, Math.Min(BufferLength - 1, text.Length - start));
                Command? result = Execute(chunk);
                if (result == Command.Exit)
                    return 1;
                if (result == Command.Quit)
                {
                    if (interactive)
                        output.Write("$ ");
                    return 0;
                }
                if (result == Command.Run && interactive)
                    output.Write("$ ");
            }
        }
        return 0;
    }

    private enum Command
    {
        Run,
        Quit,
        Exit,
    }

    private Command? Execute(string buf)
    {
        if (buf.Length == 0 || buf[0] == '\n')
            return null;
        ReadOnlySpan<char> arg = buf.AsSpan(1);
        switch (buf[0])
        {
            case 'i':
                if (CText.TryScanU64(arg, out ulong key))
                    map.Insert(mapOid, key, PmemOid.Null);
                else
                    error.Write("insert: invalid syntax\n");
                break;
            case 'r':
                if (CText.TryScanU64(arg, out key))
                {
                    if (map.Lookup(mapOid, key))
                        map.Remove(mapOid, key);
                    else
                        error.Write("no such value\n");
                }
                else
                {
                    error.Write("remove: invalid syntax\n");
                }
                break;
            case 'c':
                if (CText.TryScanU64(arg, out key))
                    output.Write(map.Lookup(mapOid, key) ? "1\n" : "0\n");
                else
                    error.Write("check: invalid syntax\n");
                break;
            case 'n':
                InsertRandom(arg);
                break;
            case 'p':
                PrintAll();
                break;
            case 'd':
                if (!map.HasCommands)
                    return NotImplemented("cmd");
                map.Debug(mapOid, output);
                break;
            case 'b':
                return RebuildCommand(arg);
            case 'q':
                return Command.Quit;
            case 'h':
                output.Write("h - help\ni $value - insert $value\nr $value - remove $value\nc $value - check $value, returns 0/1\n" +
                    "n $value - insert $value random values\np - print all values\nd - print debug info\n" +
                    "b [$value] - rebuild $value (default: 1) times\nq - quit\n");
                break;
            default:
                error.Write($"unknown command '{buf[0]}', use 'h' for help\n");
                break;
        }
        return Command.Run;
    }

    private Command NotImplemented(string function)
    {
        error.Write($"error: '{function}' function not implemented\n");
        return Command.Exit;
    }

    private void InsertRandom(ReadOnlySpan<char> arg)
    {
        if (!CText.TryScanU64(arg, out ulong count))
        {
            error.Write("random insert: invalid syntax\n");
            return;
        }
        for (ulong i = 0; i < count;)
        {
            ulong high = (ulong)random.Next();
            ulong r = high << 32 | (uint)random.Next();
            int ret = map.Insert(mapOid, r, PmemOid.Null);
            if (ret < 0)
                break;
            if (ret == 0)
                i++;
        }
    }

    private void PrintAll()
    {
        if (map.HasCount)
            output.Write($"count: {map.Count(mapOid)}\n");
        map.Foreach(mapOid, (key, _) =>
        {
            output.Write(key);
            output.Write(' ');
            return 0;
        });
        output.Write('\n');
    }

    private Command RebuildCommand(ReadOnlySpan<char> arg)
    {
        if (!CText.TryScanU64(arg, out ulong times))
            return Rebuild();
        for (ulong i = 0; i < times; i++)
        {
            output.Write($"{i,2} ");
            if (Rebuild() == Command.Exit)
                return Command.Exit;
        }
        return Command.Run;
    }

    private Command Rebuild()
    {
        output.Write("rebuild ");
        output.Flush();
        if (!map.HasCommands)
            return NotImplemented("cmd");
        long start = Stopwatch.GetTimestamp();
        map.Rebuild(mapOid, 0);
        output.Write($"{(long)Stopwatch.GetElapsedTime(start).TotalSeconds}s\n");
        return Command.Run;
    }
}
