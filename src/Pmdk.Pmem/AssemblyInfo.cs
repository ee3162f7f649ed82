// Assembly-wide attributes of the hot persistence assembly.
using System.Runtime.CompilerServices;

[module: SkipLocalsInit]
