defmodule Inventory do
  use GenServer

  def start_link(stock) do
    GenServer.start_link(__MODULE__, stock)
  end

  def reserve(inventory, sku, n) do
    GenServer.call(inventory, {:reserve, sku, n})
  end

  def stock(inventory, sku) do
    GenServer.call(inventory, {:stock, sku})
  end

  def restock(inventory, sku, n) do
    GenServer.cast(inventory, {:restock, sku, n})
  end

  @impl true
  def init(stock) do
    {:ok, stock}
  end

  @impl true
  def handle_call({:reserve, sku, n}, _from, stock) do
    case Map.get(stock, sku, 0) do
      have when have >= n -> {:reply, {:ok, have - n}, Map.put(stock, sku, have - n)}
      _ -> {:reply, {:error, :insufficient}, stock}
    end
  end

  def handle_call({:stock, sku}, _from, stock) do
    {:reply, Map.get(stock, sku, 0), stock}
  end

  @impl true
  def handle_cast({:restock, sku, n}, stock) do
    {:noreply, Map.update(stock, sku, n, &(&1 + n))}
  end
end
