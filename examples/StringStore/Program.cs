// string_store: "writer" stores one short word in a new pool's root, "reader" prints it (PMDK: examples/libpmemobj/string_store).
using Pmdk.Examples.StringStore;

if (args.Length == 0 || args[0] is not ("writer" or "reader"))
{
    Console.Error.WriteLine("usage: string_store writer|reader file-name");
    return 1;
}
string[] rest = args[1..];
return args[0] == "writer"
    ? StringStoreApp.Writer(rest, Console.In, Console.Out, Console.Error)
    : StringStoreApp.Reader(rest, Console.Out, Console.Error);
