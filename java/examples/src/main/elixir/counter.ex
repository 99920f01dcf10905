defmodule Counter do
  use GenServer

  def start_link(start) do
    GenServer.start_link(__MODULE__, start)
  end

  def inc(counter) do
    GenServer.cast(counter, :inc)
  end

  def get(counter) do
    GenServer.call(counter, :get)
  end

  @impl true
  def init(start) do
    {:ok, start}
  end

  @impl true
  def handle_call(:get, _from, count) do
    {:reply, count, count}
  end

  @impl true
  def handle_cast(:inc, count) do
    {:noreply, count + 1}
  end
end
