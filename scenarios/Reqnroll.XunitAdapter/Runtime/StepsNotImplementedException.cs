namespace Reqnroll.XunitAdapter.Runtime;

/// <summary>A scenario has undefined or pending steps; the message names them (with a binding skeleton when undefined).</summary>
internal sealed class StepsNotImplementedException(string message) : ReqnrollException(message);
