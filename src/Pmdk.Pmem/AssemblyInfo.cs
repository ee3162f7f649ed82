// Assembly-wide attributes of the hot persistence assembly.
using System.Runtime.CompilerServices;
using System.Runtime.Versioning;

[module: SkipLocalsInit]
[assembly: SupportedOSPlatform("linux")]
