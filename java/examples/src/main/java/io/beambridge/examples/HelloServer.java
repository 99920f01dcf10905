package io.beambridge.examples;

import com.ericsson.otp.erlang.OtpErlangMap;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import io.beambridge.gen.From;
import io.beambridge.gen.GenServer;
import io.beambridge.gen.Init;
import io.beambridge.gen.Result;
import io.beambridge.process.Proc;
import io.beambridge.term.Match;
import io.beambridge.term.Terms;

/**
 * The seed's server: state {@code %{id: id}}, replies {@code "hello"} to {@code :hello}.
 * When started for a caller on another node ({@code start_link} over rpc), it links
 * itself to that caller in {@code init}, as {@code start_link} in iex links the server
 * to the shell.
 *
 * @param id     the id the server holds
 * @param linkTo the process to link to, or null
 */
public record HelloServer(OtpErlangObject id, OtpErlangPid linkTo) implements GenServer<OtpErlangMap> {

    @Override
    public Init<OtpErlangMap> init() {
        if (linkTo != null) {
            Proc.current().link(linkTo);
        }
        return Init.ok(Terms.map(Terms.atom("id"), id));
    }

    @Override
    public Result<OtpErlangMap> handleCall(OtpErlangObject request, From from, OtpErlangMap state) throws Exception {
        if (Match.isAtom(request, "hello")) {
            return Result.reply("hello", state);
        }
        return GenServer.super.handleCall(request, from, state);
    }
}
